"""Quickstart: connect with OPTT's Clinic test token, create a client and read it back.

Start the sandbox (``optt sandbox``), put OPTT's documented Clinic test token in ``OPTT_TOKEN``
(``OPTT_BASE_URL`` defaults to the sandbox, http://127.0.0.1:8080/gateway), then run this file.
"""

import uuid

from optt_client.api.clinic import create_client_using_post, get_client_using_get
from optt_client.models import ClientCreateRequest

import optt

with optt.connect() as client:  # reads OPTT_BASE_URL and OPTT_TOKEN
    new = ClientCreateRequest(name="Alex Tremblay", email=f"alex.{uuid.uuid4().hex[:8]}@example.com")
    created = optt.call(create_client_using_post.sync_detailed, client=client, body=new)
    fetched = optt.call(get_client_using_get.sync_detailed, created.id, client=client)
    print(fetched.id, fetched.name, fetched.email)
