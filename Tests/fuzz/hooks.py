"""Schemathesis hooks for ops/test-fuzz and ops/fuzz-long (loaded with SCHEMATHESIS_HOOKS).

Authentication: logs in once as the seeded user named by B2B_FUZZ_TENANT / B2B_FUZZ_EMAIL /
B2B_FUZZ_PASSWORD against B2B_FUZZ_URL, and sends its access token as a bearer token on every
request of the run. Access tokens live 15 minutes; before that the provider renews them with the
refresh token (never with the password again: the fuzzer itself sends hundreds of failed logins,
so the login throttle locks their address out within the first minute, by design).

Addresses: the server runs with B2B_TRUST_FORWARDED_FOR=1 and every request of a run says it comes
from one made-up address (X-Forwarded-For), the run's login from another. The login throttle (kept
in the database for 15 minutes) then locks out only made-up addresses, never 127.0.0.1, which the
tests that run after this one log in from.
"""

import json
import os
import random
import threading
import urllib.request

import schemathesis

BASE = os.environ["B2B_FUZZ_URL"]
_ADDRESSES = random.Random()  # not the run's seed: addresses must differ between runs
FUZZ_ADDRESS = "10.%d.%d.%d" % tuple(_ADDRESSES.randrange(1, 255) for _ in range(3))
LOGIN_ADDRESS = "10.%d.%d.%d" % tuple(_ADDRESSES.randrange(1, 255) for _ in range(3))


def _post(path, body):
    request = urllib.request.Request(
        BASE + path, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "X-Forwarded-For": LOGIN_ADDRESS},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


class _Session:
    """The run's one login; thread-safe, since schemathesis may use several workers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.refresh_token = None

    def access_token(self):
        with self.lock:
            if self.refresh_token is None:
                pair = _post("/api/v1/auth/login", {
                    "tenant": os.environ["B2B_FUZZ_TENANT"],
                    "email": os.environ["B2B_FUZZ_EMAIL"],
                    "password": os.environ["B2B_FUZZ_PASSWORD"],
                })
            else:
                pair = _post("/api/v1/auth/refresh", {"refreshToken": self.refresh_token})
            self.refresh_token = pair["refreshToken"]
            return pair["accessToken"]


_SESSION = _Session()


# Renewed every 10 minutes, well inside the 15-minute lifetime. retry_on is empty: a 401 is an
# answer to check (a fuzzed operation may legitimately get one), not a reason to log in again.
@schemathesis.auth(refresh_interval=600, retry_on=[])
class BearerToken:
    def get(self, case, context):
        return _SESSION.access_token()

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.hook
def before_call(context, case, kwargs):
    case.headers = {**(case.headers or {}), "X-Forwarded-For": FUZZ_ADDRESS}
