import pytest
from django.urls import reverse

def test_smoke(client, desk, org):
    client.force_login(org.alex.user)
    r = client.get(reverse("inbox"))
    assert r.status_code == 200, r.content[:2000]
    print(r.content.decode()[:200])
    r = client.get(reverse("conversation", args=[desk["hostile"].pk]))
    assert r.status_code == 200
    open("/tmp/conv.html","w").write(r.content.decode())
    r = client.get(reverse("inbox"))
    open("/tmp/inbox.html","w").write(r.content.decode())
    client.force_login(org.morgan.user)
    r = client.get(reverse("manager"))
    assert r.status_code == 200
    open("/tmp/manager.html","w").write(r.content.decode())
    r = client.get(reverse("customer", args=[desk["hostile"].customer_id]))
    assert r.status_code == 200
