"""The SSRF guard on webhook targets: loopback, private, link-local (metadata) and other non-public
addresses are refused at subscription (422 problem+json, nothing stored) and again at delivery, on
the address the connection really goes to; a deployment's allow-list opens its own networks.

No traffic ever goes to a refused address: creating a subscription only resolves its host, and the
one receiver here listens on loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Any

import httpx
import pytest
from builders import body
from conftest import AUTH
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from webhook_receiver import Receiver, serving

from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.webhooks import targets
from matcher.webhooks.models import WebhookDelivery, WebhookSubscription
from matcher.webhooks.targets import GuardedTransport, TargetBlocked, TargetPolicy

REFUSED = [
    "127.0.0.1",
    "127.8.9.10",
    "::1",
    "0.0.0.0",
    "10.1.2.3",
    "172.16.5.4",
    "192.168.1.1",
    "100.100.100.200",  # shared address space (a cloud's metadata service lives there)
    "169.254.169.254",  # the cloud metadata endpoint
    "fe80::1",
    "fd00:ec2::254",  # a cloud's IPv6 metadata endpoint (unique local)
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::ffff:169.254.169.254",
    "2002:a9fe:a9fe::1",  # 6to4 around the metadata address
    "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
    "224.0.0.1",
    "192.0.2.10",  # documentation range
]
PUBLIC = ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"]


class TestPolicy:
    @pytest.mark.parametrize("address", REFUSED)
    def test_non_public_addresses_are_refused(self, address: str) -> None:
        assert not TargetPolicy().allows(ip_address(address))

    @pytest.mark.parametrize("address", PUBLIC)
    def test_public_addresses_are_allowed(self, address: str) -> None:
        assert TargetPolicy().allows(ip_address(address))

    def test_the_allow_list_opens_exactly_its_networks(self) -> None:
        policy = TargetPolicy((IPv4Network("10.20.0.0/16"), IPv6Network("fd00:1::/64")))
        assert policy.allows(ip_address("10.20.3.4")) and policy.allows(ip_address("fd00:1::5"))
        assert not policy.allows(ip_address("10.21.0.1")) and not policy.allows(ip_address("127.0.0.1"))
        assert policy.allows(ip_address("::ffff:10.20.0.9"))  # the mapped form of an allowed address

    def test_a_name_is_judged_by_every_address_it_resolves_to(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # DNS is what cannot run here: a name with one public and one internal record.
        records = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 443)) for a in ("8.8.8.8", "10.0.0.7")]
        monkeypatch.setattr(targets.socket, "getaddrinfo", lambda *a, **k: records)  # no connection is made
        with pytest.raises(targets.AddressRefused, match="10.0.0.7"):
            TargetPolicy().resolve("mixed.example", 443)
        assert [str(a) for a in TargetPolicy((IPv4Network("10.0.0.0/8"),)).resolve("mixed.example", 443)] == [
            "8.8.8.8",
            "10.0.0.7",
        ]


@pytest.fixture
def plain(settings: Settings, encoder: Encoder, engine: Engine) -> Iterator[tuple[Velho, TestClient]]:
    """A Velho with the default policy (public targets only) and no background delivery."""
    with serving(settings.model_copy(update={"webhook_poll_seconds": 0}), encoder, engine) as started:
        yield started


def subscriptions(velho: Velho) -> int:
    with velho.reading() as s:
        return int(s.scalar(select(func.count(WebhookSubscription.id))) or 0)


class TestSubscribing:
    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:8080/hooks",
            "http://localhost/hooks",  # a name that resolves to loopback
            "http://[::1]:9000/hooks",
            "http://169.254.169.254/latest/meta-data/",
            "https://10.0.0.5/hooks",
            "http://192.168.0.10:3000/x",
            "http://2130706433/hooks",  # 127.0.0.1 written as one number
            "http://0x7f.1/hooks",  # and in hex
            "http://[::ffff:169.254.169.254]/",
            "http://0.0.0.0:8000/",
        ],
    )
    def test_an_internal_target_is_refused_with_422_and_nothing_is_stored(
        self, plain: tuple[Velho, TestClient], url: str
    ) -> None:
        velho, client = plain
        r = client.post("/v1/webhooks", json={"url": url, "events": ["profile.updated"]}, headers=AUTH)
        assert r.status_code == 422, r.text
        problem = r.json()
        assert r.headers["content-type"].startswith("application/problem+json")
        assert problem["type"] == "urn:velho:problem:validation-error"
        assert problem["errors"][0]["field"] == "body.url" and "public addresses only" in problem["detail"]
        assert subscriptions(velho) == 0

    def test_a_host_that_does_not_resolve_is_refused(self, plain: tuple[Velho, TestClient]) -> None:
        velho, client = plain
        url = "https://no-such-host.invalid/hooks"
        r = client.post("/v1/webhooks", json={"url": url, "events": ["profile.updated"]}, headers=AUTH)
        assert r.status_code == 422 and "does not resolve" in r.json()["detail"]
        assert subscriptions(velho) == 0

    def test_a_public_target_is_accepted(self, plain: tuple[Velho, TestClient]) -> None:
        velho, client = plain
        url = "https://93.184.215.14/hooks"  # only resolved here: nothing is sent (no delivery runs)
        r = client.post("/v1/webhooks", json={"url": url, "events": ["profile.updated"]}, headers=AUTH)
        assert r.status_code == 201, r.text
        assert subscriptions(velho) == 1

    def test_the_allow_list_setting_lets_a_deployment_reach_its_internal_receivers(self) -> None:
        settings = Settings(webhook_allowed_networks="127.0.0.0/8, fd00:1::/64", _env_file=None)  # type: ignore[call-arg]
        assert settings.webhook_allowed_networks == [IPv4Network("127.0.0.0/8"), IPv6Network("fd00:1::/64")]
        assert Settings(webhook_allowed_networks='["10.0.0.0/8"]', _env_file=None).webhook_allowed_networks == [  # type: ignore[call-arg]
            IPv4Network("10.0.0.0/8")
        ]
        with pytest.raises(ValueError):
            Settings(webhook_allowed_networks="not-a-network", _env_file=None)  # type: ignore[call-arg]


class TestDelivering:
    def test_the_guarded_client_connects_only_where_the_policy_allows(self, receiver: Receiver) -> None:
        base = receiver.url.removesuffix("/hooks")
        with httpx.Client(transport=GuardedTransport(TargetPolicy())) as client:
            with pytest.raises(httpx.ConnectError) as refused:
                client.post(f"{base}/hooks", content=b"{}")
            assert isinstance(refused.value.__cause__, TargetBlocked)
            with pytest.raises(httpx.ConnectError) as by_name:
                client.post(base.replace("127.0.0.1", "localhost") + "/hooks", content=b"{}")
            assert isinstance(by_name.value.__cause__, TargetBlocked)
        assert receiver.got == []
        allowed = TargetPolicy((IPv4Network("127.0.0.0/8"),))
        with httpx.Client(transport=GuardedTransport(allowed)) as client:
            assert client.post(f"{base}/hooks", content=b"{}").status_code == 200
        assert [b for _, b in receiver.got] == [b"{}"]

    def test_a_target_refused_by_the_time_of_delivery_gets_nothing(
        self, settings: Settings, encoder: Encoder, engine: Engine, receiver: Receiver
    ) -> None:
        """Subscribed while its address was allowed; at delivery it no longer is (as when DNS now
        points the name at an internal address): nothing is sent, the delivery log says why."""
        common: dict[str, Any] = {"webhook_poll_seconds": 0, "webhook_retry_base_seconds": 0.01}
        allowing = settings.model_copy(update=common | {"webhook_allowed_networks": [IPv4Network("127.0.0.0/8")]})
        with serving(allowing, encoder, engine) as (_, client):
            hook = {"url": receiver.url, "events": ["profile.updated"]}
            assert client.post("/v1/webhooks", json=hook, headers=AUTH).status_code == 201
            client.put("/v1/employees/ann", json=body("Ann", ["x"]), headers=AUTH)
        strict = settings.model_copy(update=common)
        later = build(strict, encoder=encoder, engine=engine, index_dir=settings.data_dir / "later")
        later.start()
        try:
            later.deliveries.run_once()
            with later.reading() as s:
                [d] = s.scalars(select(WebhookDelivery)).all()
                state = (d.status, d.attempts, d.last_error or "")
        finally:
            later.close()
        assert receiver.got == []
        assert state[0] == "pending" and state[1] == 1 and state[2].startswith("TargetBlocked"), state
        assert "127.0.0.1" in state[2] and "loopback" in state[2]

    def test_a_name_rebound_to_an_internal_address_after_subscribing_gets_nothing(
        self, plain: tuple[Velho, TestClient], receiver: Receiver, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """DNS rebinding: the name was public when checked, and points at loopback when the delivery
        connects. DNS is what cannot run here, so the resolver answers in turn."""
        velho, client = plain
        port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
        answers = iter(["93.184.215.14", "127.0.0.1"])
        real = socket.getaddrinfo

        def resolver(host: str, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
            if host != "rebind.example":
                return real(host, *args, **kwargs)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

        monkeypatch.setattr(targets.socket, "getaddrinfo", resolver)
        hook = {"url": f"http://rebind.example:{port}/hooks", "events": ["profile.updated"]}
        assert client.post("/v1/webhooks", json=hook, headers=AUTH).status_code == 201
        client.put("/v1/employees/ann", json=body("Ann", ["x"]), headers=AUTH)
        velho.deliveries.run_once()
        with velho.reading() as s:
            error = s.scalars(select(WebhookDelivery.last_error)).one() or ""
        assert error.startswith("TargetBlocked") and "127.0.0.1" in error, error
        assert receiver.got == []
