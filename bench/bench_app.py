"""The portal as production serves it, for the load benchmarks: CSRF checked, rate limits on.

bench/harness.py runs it behind one trusted proxy (PROXY_COUNT=1) and wrk sends each request
from its own client address in X-Forwarded-For, as a load balancer passes on many people; so
the limits are evaluated on every request as they would be, without refusing the benchmark.
"""

from app import create_app

app = create_app()
