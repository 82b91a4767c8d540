"""Finding 1: no constant secret key; production refuses an unsafe configuration."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from flask import Flask

from marketplace import create_app
from marketplace.config import REPO_ROOT, ConfigError, from_environment

from .factories import make_user
from .support import clean_database

OLD_CONSTANT = "dev-only-not-secret"
STRONG_KEY = "k" * 40


@pytest.fixture
def dev_config(base_config, _migrated, tmp_path, monkeypatch):
    """The test config as development would have it: no SECRET_KEY at all."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("BUURTPLEIN_ENV", raising=False)
    config = {k: v for k, v in base_config.items() if k != "SECRET_KEY"}
    config["SECRET_KEY_FILE"] = str(tmp_path / "instance" / "secret_key")
    return config


@pytest.fixture
def dev_app(dev_config):
    app = create_app(dev_config)
    with app.app_context():
        clean_database(app)
    yield app
    with app.app_context():
        clean_database(app)
    app.extensions["db_engine"].dispose()


def forge_session_cookie(secret_key: str, data: dict) -> str:
    forger = Flask("forger")
    forger.secret_key = secret_key
    return forger.session_interface.get_signing_serializer(forger).dumps(data)


def test_a_cookie_forged_with_the_old_constant_key_does_not_open_the_admin(dev_app, session):
    admin = make_user(session, email="admin@example.nl", roles=("beheerder",), name="Beheer")
    client = dev_app.test_client()
    client.set_cookie("session", forge_session_cookie(OLD_CONSTANT, {"_user_id": admin.get_id(), "_fresh": True}))
    response = client.get("/beheer/gebruikers")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert dev_app.config["SECRET_KEY"] != OLD_CONSTANT


def test_development_key_is_random_kept_private_and_reused(dev_config, tmp_path):
    key_file = tmp_path / "instance" / "secret_key"
    first = create_app(dev_config)
    second = create_app(dev_config)
    for app in (first, second):
        app.extensions["db_engine"].dispose()
    key = first.config["SECRET_KEY"]
    assert len(key) >= 32 and key != OLD_CONSTANT
    assert second.config["SECRET_KEY"] == key  # sessions survive a restart
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    other = create_app({**dev_config, "SECRET_KEY_FILE": str(tmp_path / "elsewhere" / "secret_key")})
    other.extensions["db_engine"].dispose()
    assert other.config["SECRET_KEY"] != key  # random, not derived from anything fixed


@pytest.mark.parametrize("key", [None, "", "te-kort-maar-niet-leeg"])
def test_production_refuses_a_missing_or_short_secret_key(base_config, key, capsys):
    with pytest.raises(ConfigError) as refused:
        create_app({**base_config, "BUURTPLEIN_ENV": "production", "SECRET_KEY": key,
                    "BASE_URL": "https://buurtplein.example"})
    assert refused.value.code not in (0, None)
    assert "SECRET_KEY" in str(refused.value) and "start niet" in str(refused.value)
    assert "will not start" in capsys.readouterr().err


def test_production_refuses_without_a_public_address(base_config):
    with pytest.raises(ConfigError) as refused:
        create_app({**base_config, "BUURTPLEIN_ENV": "production", "SECRET_KEY": STRONG_KEY,
                    "BASE_URL": "http://127.0.0.1:5000", "TRUSTED_HOSTS": None})
    assert "BASE_URL" in str(refused.value)


def test_flask_command_exits_non_zero_in_production_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_APP")}
    env.update(BUURTPLEIN_ENV="production", BASE_URL="https://buurtplein.example",
               BUURTPLEIN_INSTANCE=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "routes"], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "Buurtplein start niet" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_secures_cookies_and_answers_only_its_own_host(make_app):
    app = make_app(BUURTPLEIN_ENV="production", SECRET_KEY=STRONG_KEY, BASE_URL="https://buurtplein.example")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["TRUSTED_HOSTS"] == ["buurtplein.example"]
    client = app.test_client()
    assert client.get("/", headers={"Host": "buurtplein.example"}).status_code == 200
    evil = client.get("/", headers={"Host": "evil.example"})
    assert evil.status_code == 400
    assert "evil.example" not in evil.get_data(as_text=True)


def test_trusted_hosts_come_from_a_comma_separated_variable(monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "buurtplein.enschede.nl, .buurtplein.example")
    assert from_environment()["TRUSTED_HOSTS"] == ["buurtplein.enschede.nl", ".buurtplein.example"]
    monkeypatch.delenv("TRUSTED_HOSTS")
    assert from_environment()["TRUSTED_HOSTS"] is None
