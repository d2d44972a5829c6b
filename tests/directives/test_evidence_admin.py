"""The admin page of a progress update with an evidence file opens (evidence has no
public URL: it is served only through the permission-checked download)."""

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_admin_opens_an_update_with_evidence_and_links_the_checked_download(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    update = f.ProgressUpdateFactory()
    update.evidence.save("bien-ban.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    client.force_login(User.objects.create_superuser("root", "root@example.test", "pw"))

    response = client.get(reverse("admin:directives_progressupdate_change", args=[update.pk]))

    assert response.status_code == 200
    assert reverse("directives:evidence", args=[update.pk]) in response.content.decode()
