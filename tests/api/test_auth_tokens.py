"""Employee JWTs, verified by PyJWT for real: HS256, RS256 and ES256 keys made here with
`cryptography`, a JWKS file with two keys that rotate, and every way a token can be wrong."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from builders import put
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.app import create_app
from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import build

SECRET = "a-shared-secret-of-at-least-32-bytes!!"
ISSUER, AUDIENCE = "https://login.hyvinvointialue.example", "velho"


def token(key: Any, *, alg: str = "HS256", sub: str = "e1", kid: str | None = None, **claims: Any) -> str:
    now = int(time.time())
    body = {"sub": sub, "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300} | claims
    headers = {"kid": kid} if kid else None
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm=alg, headers=headers)


def unsigned() -> str:
    """A token with `alg: none`: no signature at all."""
    claims = {"sub": "e1", "iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 60}
    return jwt.encode(claims, None, algorithm="none")


def bearer(t: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {t}"}


def app_with(settings: Settings, encoder: Encoder, engine: Engine, **jwt_settings: Any) -> Iterator[TestClient]:
    local = settings.model_copy(update={"jwt_issuer": ISSUER, "jwt_audience": AUDIENCE} | jwt_settings)
    velho = build(local, encoder=encoder, engine=engine)
    velho.start()
    put(velho, "e1", "Aino", ["haavanhoito"])
    try:
        with TestClient(create_app(local, velho=velho)) as client:
            yield client
    finally:
        velho.close()


@pytest.fixture
def hs256(settings: Settings, encoder: Encoder, engine: Engine) -> Iterator[TestClient]:
    yield from app_with(settings, encoder, engine, jwt_secret=SECRET)


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(private: Any) -> str:
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class TestHS256:
    def test_a_valid_token_names_the_employee(self, hs256: TestClient) -> None:
        r = hs256.get("/v1/me", headers=bearer(token(SECRET)))
        assert r.status_code == 200 and r.json()["external_id"] == "e1"

    def test_the_employee_claim_is_configurable(self, settings: Settings, encoder: Encoder, engine: Engine) -> None:
        for client in app_with(settings, encoder, engine, jwt_secret=SECRET, jwt_employee_claim="employee_no"):
            t = token(SECRET, sub="someone-else", employee_no="e1")
            assert client.get("/v1/me", headers=bearer(t)).json()["external_id"] == "e1"
            assert client.get("/v1/me", headers=bearer(token(SECRET))).status_code == 401  # no such claim

    @pytest.mark.parametrize(
        ("make", "why"),
        [
            (lambda: token(SECRET, exp=int(time.time()) - 120), "expired"),
            (lambda: token(SECRET, nbf=int(time.time()) + 120), "not valid yet"),
            (lambda: token(SECRET, aud="another-app"), "another audience"),
            (lambda: token(SECRET, iss="https://evil.example"), "another issuer"),
            (lambda: token("a-different-secret-of-at-least-32-bytes"), "signature or claims"),
            (lambda: token(SECRET)[:-4] + "AAAA", "signature or claims"),  # tampered signature
            (lambda: unsigned(), "signature or claims"),  # alg: none
            (lambda: token(SECRET, exp=None), "signature or claims"),  # no exp at all
            (lambda: "not-a-jwt", "not a JWT"),
        ],
    )  # fmt: skip
    def test_a_bad_token_is_401_with_a_bearer_challenge(self, hs256: TestClient, make: Any, why: str) -> None:
        r = hs256.get("/v1/me", headers=bearer(make()))
        assert r.status_code == 401, r.text
        assert r.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        assert r.headers["content-type"].startswith("application/problem+json")
        assert why in r.json()["detail"]

    def test_a_valid_token_for_someone_without_a_profile_is_not_a_profile(self, hs256: TestClient) -> None:
        assert hs256.get("/v1/me", headers=bearer(token(SECRET, sub="nobody"))).status_code == 404

    def test_clock_skew_within_the_leeway_is_accepted(self, hs256: TestClient) -> None:
        t = token(SECRET, exp=int(time.time()) - 10)  # 10 s late, leeway 30 s
        assert hs256.get("/v1/me", headers=bearer(t)).status_code == 200

    def test_a_token_signed_with_the_secret_cannot_pose_as_rs256(
        self, settings: Settings, encoder: Encoder, engine: Engine
    ) -> None:
        key = rsa_key()
        for client in app_with(settings, encoder, engine, jwt_public_key=pem(key)):
            # HS256 keyed with the public key text: the classic algorithm-confusion attack.
            forged = jwt.encode(
                {"sub": "e1", "iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 60}, SECRET, algorithm="HS256"
            )
            assert client.get("/v1/me", headers=bearer(forged)).status_code == 401


class TestAsymmetric:
    def test_rs256_and_es256_with_a_public_key(
        self, settings: Settings, encoder: Encoder, engine: Engine, tmp_path: Path
    ) -> None:
        rsa_private = rsa_key()
        for client in app_with(settings, encoder, engine, jwt_public_key=pem(rsa_private)):
            assert client.get("/v1/me", headers=bearer(token(rsa_private, alg="RS256"))).status_code == 200
            other = rsa_key()
            assert client.get("/v1/me", headers=bearer(token(other, alg="RS256"))).status_code == 401
        ec_private = ec.generate_private_key(ec.SECP256R1())
        path = tmp_path / "es256.pem"
        path.write_text(pem(ec_private))  # a path works as well as the PEM text
        for client in app_with(settings, encoder, engine, jwt_public_key=str(path)):
            assert client.get("/v1/me", headers=bearer(token(ec_private, alg="ES256"))).status_code == 200

    def test_a_jwks_file_with_two_keys_rotates_without_a_restart(
        self, settings: Settings, encoder: Encoder, engine: Engine, tmp_path: Path
    ) -> None:
        old, new = rsa_key(), rsa_key()

        def jwk(private: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
            data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
            return data | {"kid": kid, "alg": "RS256", "use": "sig"}

        jwks = tmp_path / "jwks.json"
        jwks.write_text(json.dumps({"keys": [jwk(old, "2026-11"), jwk(new, "2026-12")]}))
        for client in app_with(settings, encoder, engine, jwt_jwks_file=jwks):
            for private, kid in ((old, "2026-11"), (new, "2026-12")):
                assert client.get("/v1/me", headers=bearer(token(private, alg="RS256", kid=kid))).status_code == 200
            # A kid the set does not hold, and a token signed by the other key under this kid.
            assert client.get("/v1/me", headers=bearer(token(old, alg="RS256", kid="nope"))).status_code == 401
            assert client.get("/v1/me", headers=bearer(token(old, alg="RS256", kid="2026-12"))).status_code == 401
            # Rotation: the old key leaves the file; its tokens stop working at once.
            jwks.write_text(json.dumps({"keys": [jwk(new, "2026-12")]}))
            os.utime(jwks, (time.time() + 1, time.time() + 1))  # a new mtime, however fast the rewrite
            assert client.get("/v1/me", headers=bearer(token(old, alg="RS256", kid="2026-11"))).status_code == 401
            assert client.get("/v1/me", headers=bearer(token(new, alg="RS256", kid="2026-12"))).status_code == 200


def test_without_any_token_configuration_a_jwt_is_refused(client: TestClient) -> None:
    r = client.get("/v1/me", headers=bearer(token(SECRET)))
    assert r.status_code == 401 and r.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    missing = client.get("/v1/me")
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
