"""Contract suite for the OPTT API: schemathesis + hypothesis + pytest over ``openapi.yaml``.

One target switch decides what is tested:

* nothing set: the suite starts the local sandbox (``python -m optt.sandbox``) on a free port
  with a fresh data directory, tests it over real HTTP and stops it at the end;
* ``OPTT_BASE_URL`` set (for example ``https://gwi.dv.optt.ca/gateway``): the same tests run
  against that server, with the credentials below.

Environment variables (all optional against the sandbox, whose seeded defaults are used):

=================================  =====================================================================
``OPTT_BASE_URL``                  Base URL including ``/gateway``; unset = start the sandbox.
``OPTT_CLIENT_ID``                 OAuth2 client id (HTTP Basic user of the token endpoint).
``OPTT_CLIENT_SECRET``             OAuth2 client secret.
``OPTT_<ROLE>_USERNAME``           Login of a user with that role; ROLE is CLINIC, CAREGIVER, CLIENT,
``OPTT_<ROLE>_PASSWORD``           INSTITUTE. Tokens come from the password grant and are refreshed.
``OPTT_<ROLE>_TOKEN``              A ready access token for that role, used when no password is given.
``OPTT_OTHER_CLINIC_USERNAME``     A CLINIC user of a second clinic (tenant isolation); the checks
``OPTT_OTHER_CLINIC_PASSWORD``     that need it are skipped with a reason when it is absent.
``OPTT_OTHER_CAREGIVER_USERNAME``  A CAREGIVER of that second clinic (session isolation), optional.
``OPTT_OTHER_CAREGIVER_PASSWORD``
``OPTT_CLINIC_CODE``               The 10-character code of the CLINIC user's clinic (triage).
``OPTT_EXPIRED_TOKEN``             An expired access token (live only; the sandbox mints its own).
``OPTT_PROFILE``                   Hypothesis profile: ``dev``, ``ci`` or ``live`` (or --hypothesis-profile).
``OPTT_MAX_EXAMPLES``              Overrides the profile's max_examples (mutation runs use it).
``OPTT_STATEFUL_EXAMPLES``         Overrides the number of state-machine scenarios.
``OPTT_REQUEST_BUDGET``            ``live`` profile: most requests a run may send (default 2000).
``OPTT_RATE_LIMIT``                ``live`` profile: most requests per second (default 5).
``OPTT_REPORTS_DIR``               Where ledger.json / ledger.md go (default ``reports/``).
``OPTT_SANDBOX_FAULTS``            Faults the self-started sandbox is started with (comma-separated).
=================================  =====================================================================

The ``live`` profile is read-only (GET and the token endpoint) unless pytest gets ``--allow-writes``;
with writes allowed, what the suite creates is closed afterwards (sessions closed, clients and
care providers set INACTIVE).
"""
