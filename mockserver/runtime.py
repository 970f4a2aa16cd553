"""What one mock app owns (``MockRuntime``): the family's backend, its store, clock, journal, seed,
validator and per-operation rules; and ``runtime()``, the accessor for the app serving a request.

A persistent store is filled from the in-memory seed only when it holds no state yet; a reset
restores the seed either way.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime
from typing import Any

from faker import Faker
from flask import current_app

from .. import fixtures as fixture_data
from ..specs import load_spec, profile_for
from .call import Call
from .clock import Clock
from .compiled_validation import CompiledValidator
from .config import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_HEADER_BYTES, MockConfig
from .engine import (
    NO_RULES,
    BackendContext,
    FamilyDefinition,
    SeedContext,
    Settings,
    check_handlers,
    operations_of,
)
from .errors import ErrorContext
from .families import get_family
from .hashing import KnownTokens
from .ids import IdFactory
from .journal import Journal
from .sqlite_store import SQLiteStore
from .store import InMemoryStore, StateStore
from .validation import SpecValidator

SEED_EPOCH = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)


def build_validator(spec: dict[str, Any], engine: str = "compiled") -> SpecValidator:
    """The validator ``engine`` names: ``compiled`` (default) or ``openapi-core``."""
    if engine == "openapi-core":
        # Imported on demand: openapi-core alone takes ~0.7 s to import.
        from .reference_validation import OpenAPICoreValidator

        return OpenAPICoreValidator(spec)
    if engine == "compiled":
        return CompiledValidator(spec)
    raise ValueError(f"unknown validator {engine!r}: use 'compiled' or 'openapi-core'")


class MockRuntime:
    """Everything one mock app owns: the family's backend, its store, clock, journal and seed."""

    def __init__(self, config: MockConfig, clock: Clock | None = None, store: StateStore | None = None):
        self.config = config
        self.family: FamilyDefinition = get_family(config.family)
        self.profile = profile_for(config.family, config.profile)
        self.clock = clock or Clock(config.frozen_at)
        self.max_body_bytes = config.max_body_bytes or self.family.max_body_bytes or DEFAULT_MAX_BODY_BYTES
        self.max_header_bytes = (
            config.max_header_bytes or self.family.max_header_bytes or DEFAULT_MAX_HEADER_BYTES
        )
        self.journal = Journal(config.journal_size)
        self.spec = load_spec(config.family)
        self.operations = operations_of(self.spec)
        self._templates = {op.operation_id: op.template for op in self.operations}
        self.rules = {
            op.operation_id: self.family.rules(op) if self.family.rules else NO_RULES
            for op in self.operations
        }
        check_handlers(self.family, self.operations)
        self.validator = build_validator(self.spec, config.validator)
        jwt_secret = config.jwt_secret or secrets.token_urlsafe(32)
        self.settings = Settings(
            jwt_secret=jwt_secret, scrypt_n=config.scrypt_n, session_ttl_seconds=config.session_ttl_seconds
        )
        self.known_tokens = KnownTokens()
        # The seed is always made in memory; a persistent store is filled from it only when it
        # holds no state yet, and a reset restores it either way.
        seed_store = InMemoryStore(self.family.indexes)
        seed_backend = self._backend(seed_store)
        with seed_store.transaction():
            self.seed_info = self.family.seed(seed_backend, self._seed_context())
        self._seed_snapshot = seed_store.snapshot()
        if store is None and config.state_path:
            store = SQLiteStore(
                config.state_path, config.family, self.family.record_types, self.family.indexes
            )
        if store is None:
            store = seed_store
        elif not store.has_state:
            store.restore(self._seed_snapshot)
            store.mark_seeded()
        self.store = store
        self.backend = seed_backend if self.store is seed_store else self._backend(self.store)

    def _backend(self, store: StateStore) -> Any:
        return self.family.create_backend(
            BackendContext(store, self.clock, self.profile, self.settings, IdFactory(), self.known_tokens)
        )

    def _seed_context(self) -> SeedContext:
        rng = random.Random(self.config.seed)
        faker = Faker()
        faker.seed_instance(self.config.seed)
        return SeedContext(
            seed=self.config.seed,
            fixture=fixture_data.load_fixture(self.config.family),
            rng=rng,
            faker=faker,
            ids=IdFactory(rng),
            epoch=SEED_EPOCH,
        )

    def reset(self) -> None:
        with self.store.transaction():
            self.store.restore(self._seed_snapshot)
            reset_caches = getattr(self.backend, "reset_caches", None)
            if reset_caches is not None:
                reset_caches()
        self.clock.reset()
        self.journal.clear()

    # -- the request pipeline -------------------------------------------------------------

    def error_context(self, call: Call | None = None) -> ErrorContext:
        """What an error hook is told about the request being answered (see ``ErrorContext``)."""
        return ErrorContext(self.profile, call, self.backend)


def runtime() -> MockRuntime:
    """The runtime of the app serving the current request."""
    return current_app.extensions["revokit"]
