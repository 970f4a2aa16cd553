"""revokit's pytest plugin (registered through the ``pytest11`` entry point).

Fixtures (see the README, "Use it in your tests"):

- ``revokit_server`` (session): the live mocks, one per family, each in a thread on a free port
  of 127.0.0.1, started the first time a test needs that family.
- ``revokit`` (function): this test's handle; every mock it uses is reset to the seed first.
- ``revokit_reset``, ``revokit_clock``, ``revokit_journal``: the mock's control plane.
- ``revokit_client``: a plain client factory; ``revokit_conformance``: the conformance suites.
- ``revokit_revoke_keys``: revoke many keys by selector (the control plane, or key by key on a
  real backend).
- per family (made from its descriptor in ``revokit.registry``, so ``pytest --fixtures`` lists
  them): ready clients ``medusa_v1_admin``/``_session``/``_api_token``/``_store``,
  ``xclade_v2_admin``/``_session``/``_secret``/``_store``, ``app_keys_user``; key factories
  ``medusa_v1_key_factory``, ``xclade_v2_key_factory``, ``app_keys_key_factory``.

A test module overrides the session's choice with module-level variables:
``revokit_profile = "medusa-1.20"`` and ``revokit_families = ["xclade-v2"]`` (narrows the
session's families to those the module uses).

This module is imported by every pytest run in an environment where revokit is installed, so it
imports nothing heavy: the mock, Flask and ``requests`` load when a fixture is first used.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .registry import families
from .testing_settings import Settings, SettingsError, build_settings, check_profile, split_families

if TYPE_CHECKING:
    from .testing_revoke import BulkRevoke
    from .testing_session import ClockControl, Conformance, JournalView, Revokit, RevokitSession

SETTINGS_KEY = pytest.StashKey[Settings]()
MOCK_ONLY_MARKER = "revokit_mock_only"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("revokit", "revokit: live API-key mocks, ready clients and key factories")
    group.addoption(
        "--revokit-families",
        metavar="FAMILY[,FAMILY]",
        help="API families the revokit fixtures serve (default: every registered family, e.g. medusa-v1, "
        "xclade-v2, app-keys). "
        "ini: revokit_families",
    )
    group.addoption(
        "--revokit-profile",
        metavar="PROFILE",
        help="behaviour profile of the mocks: contract (default), medusa-1.20, medusa-2.21. "
        "ini: revokit_profile; a module overrides it with `revokit_profile = ...`",
    )
    group.addoption(
        "--revokit-base-url",
        action="append",
        default=[],
        metavar="[FAMILY=]URL",
        help="run the revokit fixtures against a real backend at URL instead of a mock (repeat with "
        "FAMILY= prefixes for several families); control-plane fixtures (reset, clock, journal) then fail",
    )
    group.addoption(
        "--revokit-email",
        action="append",
        default=[],
        metavar="[FAMILY=]EMAIL",
        help="admin email the medusa-v1/xclade-v2 clients log in with (mocks: the seeded admin)",
    )
    group.addoption(
        "--revokit-password",
        action="append",
        default=[],
        metavar="[FAMILY=]PASSWORD",
        help="admin password the medusa-v1/xclade-v2 clients log in with",
    )
    group.addoption(
        "--revokit-token",
        action="append",
        default=[],
        metavar="[FAMILY=]TOKEN",
        help="medusa-v1: the admin's API token; xclade-v2: a secret key (sk_...); app-keys: a user's JWT",
    )
    parser.addini("revokit_families", "API families the revokit fixtures serve (default: all)", default="")
    parser.addini("revokit_profile", "behaviour profile of the revokit mocks (default: contract)", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MOCK_ONLY_MARKER}: skip the test when one of its revokit families runs against a real "
        "backend (--revokit-base-url)",
    )
    # openapi-core, inside the mock, warns about its own deprecations: not the user's business.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:openapi_core.*")
    try:
        settings = build_settings(
            cli_families=config.getoption("revokit_families"),
            ini_families=str(config.getini("revokit_families")),
            cli_profile=config.getoption("revokit_profile"),
            ini_profile=str(config.getini("revokit_profile")),
            base_urls=config.getoption("revokit_base_url"),
            emails=config.getoption("revokit_email"),
            passwords=config.getoption("revokit_password"),
            tokens=config.getoption("revokit_token"),
        )
        check_profile(settings)
    except SettingsError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[SETTINGS_KEY] = settings


def _test_config(node: Any, settings: Settings) -> tuple[tuple[str, ...], str, str]:
    """This test's families, profile, and where the families came from (for messages)."""
    module = getattr(node, "module", None)
    families, where = settings.families, settings.families_from
    declared = getattr(module, "revokit_families", None)
    if declared is not None:
        try:
            narrowed = split_families(declared, f"{getattr(module, '__name__', 'module')}.revokit_families")
        except SettingsError as exc:
            problem = str(exc)
        else:
            problem = ""
        if problem:
            pytest.fail(problem, pytrace=False)
        families = tuple(f for f in narrowed if f in settings.families)
        where = f"{settings.families_from}, narrowed by the module's revokit_families"
    profile = getattr(module, "revokit_profile", None) or settings.profile
    return families, str(profile), where


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker(MOCK_ONLY_MARKER) is None:
        return
    settings = item.config.stash[SETTINGS_KEY]
    families, _, _ = _test_config(item, settings)
    real = [f for f in families if settings.is_real(f)]
    if real:
        pytest.skip(f"{MOCK_ONLY_MARKER}: {', '.join(real)} runs against a real backend (--revokit-base-url)")


# -- core fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def revokit_server(pytestconfig: pytest.Config) -> Iterator[RevokitSession]:
    """The session's live mocks (started per family on first use) and the plugin's settings."""
    from .testing_session import RevokitSession

    session = RevokitSession(pytestconfig.stash[SETTINGS_KEY])
    yield session
    session.close()


@pytest.fixture
def revokit(request: pytest.FixtureRequest, revokit_server: RevokitSession) -> Iterator[Revokit]:
    """This test's handle: families, profile, URLs, seed, clients. The mocks the test uses start
    from their seed (state, clock and journal); real backends are left as they are."""
    from .testing_session import Revokit

    families, profile, where = _test_config(request.node, revokit_server.settings)
    handle = Revokit(revokit_server, families, profile, where=where)
    handle.reset_mocks()
    yield handle
    handle.close()


@pytest.fixture
def revokit_reset(revokit: Revokit) -> Any:
    """A function that puts this test's mocks back to their seed mid-test (mock only)."""
    revokit.require_control_plane("revokit_reset")
    return revokit.reset


@pytest.fixture
def revokit_clock(revokit: Revokit) -> ClockControl:
    """The mock's clock: ``now()``, ``set(instant)``, ``freeze()``, ``advance(seconds, hours=...)``."""
    from .testing_session import ClockControl

    return ClockControl(revokit)


@pytest.fixture
def revokit_journal(revokit: Revokit) -> JournalView:
    """The requests the mocks served in this test (method, path, query, headers, body, status)."""
    from .testing_session import JournalView

    return JournalView(revokit)


@pytest.fixture
def revokit_client(revokit: Revokit) -> Any:
    """``revokit_client(family, headers=None)``: a plain client for a family's base URL."""
    return revokit.client


@pytest.fixture
def revokit_revoke_keys(revokit: Revokit) -> BulkRevoke:
    """``revokit_revoke_keys(family, selector={...}, revoke_in=None)``: revoke every key the selector
    picks, by the family's rules. A mock does it in one all-or-nothing call (journaled); a real
    backend key by key through its API, which is not atomic."""
    from .testing_revoke import BulkRevoke

    return BulkRevoke(revokit)


@pytest.fixture
def revokit_conformance(revokit: Revokit) -> Conformance:
    """``revokit_conformance(family)`` runs that family's conformance suite (revokit.contracts)."""
    from .testing_session import Conformance

    return Conformance(revokit)


# -- each family's ready clients and key factory -----------------------------------------------


def _client_fixture(family: str, method: str, doc: str) -> Any:
    def fixture(revokit: Revokit) -> Any:
        revokit.require_family(family)
        return getattr(revokit.kit(family), method)()

    fixture.__doc__ = doc
    return fixture


def _factory_fixture(family: str, doc: str) -> Any:
    def fixture(revokit: Revokit) -> Any:
        revokit.require_family(family)
        return revokit.kit(family).key_factory()

    fixture.__doc__ = doc
    return fixture


def _family_fixtures() -> dict[str, Any]:
    """``<family>_<client>`` per ready client of every registered family's kit, and
    ``<family>_key_factory``: made from the descriptors (``revokit.registry``), so a new family
    gets its fixtures, and ``pytest --fixtures`` lists them with their descriptions."""
    made: dict[str, Any] = {}
    for descriptor in families():
        if descriptor.kit is None:
            continue
        prefix = descriptor.fixture_prefix
        for method, doc in descriptor.clients.items():
            name = f"{prefix}_{method}"
            made[name] = pytest.fixture(_client_fixture(descriptor.name, method, doc), name=name)
        if descriptor.key_factory:
            name = f"{prefix}_key_factory"
            made[name] = pytest.fixture(_factory_fixture(descriptor.name, descriptor.key_factory), name=name)
    return made


globals().update(_family_fixtures())
