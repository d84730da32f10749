import pytest
from django.test import RequestFactory

from access.acting import client_ip


@pytest.mark.parametrize(
    ("trusted_proxies", "remote_addr", "forwarded_for", "expected"),
    [
        # No proxy trusted: whatever the client wrote in the header is ignored.
        (0, "198.51.100.7", None, "198.51.100.7"),
        (0, "198.51.100.7", "203.0.113.5", "198.51.100.7"),
        # One proxy: the address it appended, not what the client wrote before it.
        (1, "10.0.0.1", "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.1", "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.1", "2001:db8::1", "2001:db8::1"),
        # Two proxies (a CDN, then nginx): the address the outer one saw.
        (2, "10.0.0.1", "192.0.2.1, 203.0.113.5, 172.16.0.9", "203.0.113.5"),
        # Not the configured chain, or not an address: the peer's address stands.
        (1, "10.0.0.1", None, "10.0.0.1"),
        (2, "10.0.0.1", "203.0.113.5", "10.0.0.1"),
        (1, "10.0.0.1", "203.0.113.5, unknown", "10.0.0.1"),
        (1, "10.0.0.1", "203.0.113.5, 203.0.113.5:8080", "10.0.0.1"),
        (1, "10.0.0.1", "203.0.113.5, " + "1" * 100, "10.0.0.1"),
    ],
)
def test_client_ip_trusts_x_forwarded_for_only_as_far_as_the_configured_proxies(
    settings, trusted_proxies, remote_addr, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = trusted_proxies
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)

    assert client_ip(request) == expected
