"""OPTT's three published test tokens, verbatim (developer docs, "OPTT Architecture Overview").

They are RS256 JWTs signed by OPTT with a key the sandbox does not have, so the sandbox accepts each
one only as this exact, whole string. Any change to any character makes it an ordinary unverifiable token.
"""

from __future__ import annotations

__all__ = ["TEST_TOKENS"]

TEST_TOKENS: dict[str, str] = {
    "CLIENT": (
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjM3NTgyMDY0ODksInVzZXJfbmFtZSI6ImxhbGVoQGNpdHJvbml"
        "0eS5jb20iLCJhdXRob3JpdGllcyI6WyJDTElFTlQiXSwianRpIjoiNGNhZTIyMDQtMWNkNi00NTJmLWFmOGItYjc0NWZkMjd"
        "mMGYxIiwiY2xpZW50X2lkIjoib3B0dC0wMmVlNzdkYy1hYzQ1LTQzNDQtODE3ZS0xN2NhNTJiNThiNWQiLCJzY29wZSI6WyJ"
        "yZWFkIiwid3JpdGUiXX0.PON3BpI5KnDGxNHV3G-SfMiWDTcb2SQJJ5m5Mr9fKep_AMLSeJIeZzpnH6QSI2p_jgsaPZk9KYi"
        "d7KJnfnjgLDYlQYQxj2fhvdyOkl6UY4OVwe1Vgr-3Zh6hibwDrrCcGUWQ_T3nTUTMyIpYGCAFck-Fz8EIxPj5MjOK2ImkFaq"
        "pIdfSFNRDV90IhdrR0qs0YptX9Hs6chP8EvQb_eJ4P-Hv5ZBT0WNvuzrcgflPqBjcge-eW0YO016ZqO15p-GPpHuqr-dSRFj"
        "ciPG8RQhMytXZUAeHNXB9KtuFKMS9CDeD8bfHkl4bGjcdOdoTPWkfZ5Lj0RD393l-EmrrJ7ZZFA"
    ),
    "CAREGIVER": (
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjM3NTgyMDY1MjEsInVzZXJfbmFtZSI6ImxhbGVoZGVobmF2aS5"
        "sZEBnbWFpbC5jb20iLCJhdXRob3JpdGllcyI6WyJDQVJFR0lWRVIiXSwianRpIjoiOTZhYWFjOTMtMmRjNy00NDM5LWE3YTU"
        "tNWI0MzAwYmNjN2NlIiwiY2xpZW50X2lkIjoib3B0dC0wMmVlNzdkYy1hYzQ1LTQzNDQtODE3ZS0xN2NhNTJiNThiNWQiLCJ"
        "zY29wZSI6WyJyZWFkIiwid3JpdGUiXX0.cvGtZ8jjyREqzFr2kUOhh4HTDsJOD0Y4icAO9KOt42Z_B_HngqylOs_WbDiSKdu"
        "ObzvfTHraDqEIxZJtAzK9YujjKcy9uKfPH_9GR-qcuFNrlrJMREib2AMzUXi9Gsqgh-hNsp1uNhlQzQuzSoKo1rAnuF6HC2m"
        "1BU77cbVnrwTdbP6e8jJz21dvav1JSUVZiqiyxVbUY2f8IA8n-sXf_284-4shnkkggbgIPTW88Jd_UOp-w2UZ-lKRWfRmKlh"
        "RVM37iamWw0hGOIW3jOJc6_fc1ce-I2O7YYBNkYdwLooBaVzXG0ja8w1PTrHBml95PcmzDLp2zg-4CRpjczSk4g"
    ),
    "CLINIC": (
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjM3NTgyMDY0NDQsInVzZXJfbmFtZSI6ImxhbGVoQG9wdHQuY2E"
        "iLCJhdXRob3JpdGllcyI6WyJDTElOSUMiXSwianRpIjoiMjU5NTgwMTAtZWVkMC00MThkLTlmNzctZWU1YzA3OWU0Mzc3Iiw"
        "iY2xpZW50X2lkIjoib3B0dC0wMmVlNzdkYy1hYzQ1LTQzNDQtODE3ZS0xN2NhNTJiNThiNWQiLCJzY29wZSI6WyJyZWFkIiw"
        "id3JpdGUiXX0.Qx07ooEYUh_i6p-ieR1w__IKj8AxIC7qeOXRHYRqJkh1IYo_wGmM1zv_qaiB9e9Gxk9yob8NalQsyJ5Knte"
        "08vyEg3bAF94fey1rXBjbmgwsLtz9lH2GaIqyw030vCv7fbbw1q-R2-drM31dRmhRy981gykA0Vo-F2ypOnYeu7FcJJxLGVs"
        "8Tu4bImCDNsKeqkCj81R_j3YFu1uigYjPbWzCRFG6xKATJrGU-fFhbr_m-WpiIIFZCoi12EK18C_Ikf1ClBDk78GHYEs6NFb"
        "4hH7Hmd5yQjDHwtgQb78uzWMUS7jQYtYw7W3tULCT3K_FZRJBNwMxWAbRMHQVcLoFRA"
    ),
}
"""Role -> OPTT's published test token for that role."""
