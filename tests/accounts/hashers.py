"""A real password hasher that counts how often it hashes (for the equal-cost sign-in tests)."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.hashers import Argon2PasswordHasher


class CountingArgon2Hasher(Argon2PasswordHasher):
    """Argon2 at its lowest cost, counting every hash computed (encode and verify alike)."""

    algorithm = "argon2"
    time_cost = 1
    memory_cost = 8
    parallelism = 1
    computed: ClassVar[int] = 0

    def encode(self, password: str, salt: str) -> str:
        CountingArgon2Hasher.computed += 1
        return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        CountingArgon2Hasher.computed += 1
        return super().verify(password, encoded)
