"""Accounts: a user with roles (cheaply hashed password), a preventiemakelaar of a wijk, logging in."""

from __future__ import annotations

from marketplace.account.services import hash_password
from marketplace.models import User, UserRole, UserWijk

from ..support import TEST_HASH_METHOD
from .base import add

PASSWORD = "geheim-wachtwoord"


def make_user(session, email="anna@example.nl", password=PASSWORD, roles=("bewoner",), name="Anna de Vries"):
    user = User(email=email, password_hash=hash_password(password, TEST_HASH_METHOD), display_name=name)
    user.roles = [UserRole(role=r) for r in roles]
    return add(session, user)


def make_preventiemakelaar(session, world, email="pm@example.nl"):
    user = make_user(session, email=email, roles=("preventiemakelaar",), name="Marieke Smit")
    add(session, UserWijk(user_id=user.id, wijk_id=world.wijk.id))
    return user


def login(client, email="anna@example.nl", password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})
