from __future__ import annotations

from django.contrib.auth.models import User
from django.urls import reverse


def test_sign_up_logs_the_new_user_in(client, db):
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "",
            "password1": "a-long-test-password-42",
            "password2": "a-long-test-password-42",
        },
    )
    assert response.url == reverse("question_list")
    assert User.objects.filter(username="newbie").exists()
    assert client.get(reverse("question_list")).status_code == 200


def test_sign_up_errors_are_shown_and_escaped(client, db):
    response = client.post(
        reverse("signup"),
        {"username": "<script>x</script>", "password1": "short", "password2": "different"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>x</script>" not in content
    assert "didn’t match" in content or "didn't match" in content


def test_log_in_and_log_out(client, candidate):
    response = client.post(
        reverse("login"), {"username": "candidate", "password": "a-long-test-password-42"}
    )
    assert response.url == reverse("question_list")
    assert client.get(reverse("logout")).status_code == 405, "logout is POST only (CSRF-protected)"
    client.post(reverse("logout"))
    assert client.get(reverse("question_list")).status_code == 302


def test_a_wrong_password_gets_a_clear_error(client, candidate):
    response = client.post(reverse("login"), {"username": "candidate", "password": "nope"})
    assert b"Please enter a correct username and password" in response.content
