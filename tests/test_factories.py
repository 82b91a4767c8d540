"""The shared factories build valid rows (guards every test that uses them)."""

from .factories import (make_activity, make_offer, make_organisation, make_preventiemakelaar, make_request,
                        make_user, make_voorziening, make_world)



def test_factories_build_a_small_world(session):
    world = make_world(session)
    pm = make_preventiemakelaar(session, world)
    org = make_organisation(session, staff=pm)
    assert make_voorziening(session, org, world.velve).id
    volunteer = make_user(session, email="v@example.nl", roles=("vrijwilliger",))
    assert make_offer(session, volunteer, world.velve).id
    resident = make_user(session)
    assert make_request(session, resident, world.velve).id
    assert make_activity(session, world.velve, org=org, capacity=2).id
