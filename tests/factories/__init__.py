"""Small, explicit factories for tests, one module per area. Each returns a committed row (in the
test's own transaction, see conftest). ``from tests.factories import make_world, make_user`` gets them
all; ``authz_world`` builds the bigger municipality of the authorisation matrix and the leak sweep.
"""

from .aanbod import make_offer
from .accounts import PASSWORD, login, make_preventiemakelaar, make_user
from .activiteiten import make_activity
from .base import add, days_from_today
from .geo import World, make_world
from .hulpvragen import make_request
from .voorzieningen import make_location, make_organisation, make_voorziening

__all__ = ["PASSWORD", "World", "add", "days_from_today", "login", "make_activity", "make_location", "make_offer",
           "make_organisation", "make_preventiemakelaar", "make_request", "make_user", "make_voorziening",
           "make_world"]
