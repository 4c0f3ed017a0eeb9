"""Invite one user to the chat site's Cognito user pool (``bash scripts/create-user.sh EMAIL``).

Idempotent: a user who already exists is reported with their status and left unchanged; ``--resend`` sends
the invitation again to one who has not signed in yet. Errors say what to fix (wrong pool, region,
credentials, an address Cognito refuses) and exit non-zero.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InviteError(RuntimeError):
    """The user could not be invited; the message says what to do."""


def _code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def invite(
    client: Any,
    pool_id: str,
    email: str,
    *,
    resend: bool = False,
    dry_run: bool = False,
    log: Callable[[str], None] = print,
) -> str:
    """Create (or report) the user; returns ``created``, ``exists``, ``resent`` or ``would-create``."""
    email = email.strip()
    if not EMAIL.match(email):
        raise InviteError(f"{email!r} is not an e-mail address.")
    try:
        client.describe_user_pool(UserPoolId=pool_id)
    except Exception as error:
        code = _code(error)
        if code == "ResourceNotFoundException":
            raise InviteError(
                f"No user pool {pool_id} in this region: check AWS_REGION and the Terraform output "
                "cognito_user_pool_id."
            ) from error
        if code in ("AccessDeniedException", "UnrecognizedClientException", "ExpiredTokenException"):
            raise InviteError(
                f"AWS refused the request ({code}): check your credentials and permissions."
            ) from error
        raise InviteError(f"Cannot read user pool {pool_id}: {error}") from error

    try:
        user = client.admin_get_user(UserPoolId=pool_id, Username=email)
    except Exception as error:
        if _code(error) != "UserNotFoundException":
            raise InviteError(f"Cannot look up {email}: {error}") from error
        user = None

    if user is not None:
        status = str(user.get("UserStatus", "UNKNOWN"))
        if resend:
            if status != "FORCE_CHANGE_PASSWORD":
                raise InviteError(f"{email} has already signed in (status {status}); nothing to resend.")
            if dry_run:
                log(f"Would resend the invitation to {email}.")
                return "would-resend"
            client.admin_create_user(
                UserPoolId=pool_id, Username=email, MessageAction="RESEND", DesiredDeliveryMediums=["EMAIL"]
            )
            log(f"Invitation sent again to {email}.")
            return "resent"
        log(f"{email} already exists in {pool_id} (status {status}); nothing changed.")
        if status == "FORCE_CHANGE_PASSWORD":
            log("They have not signed in yet; --resend sends the invitation again.")
        return "exists"

    if dry_run:
        log(f"Would invite {email} to {pool_id}.")
        return "would-create"
    try:
        client.admin_create_user(
            UserPoolId=pool_id,
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
            DesiredDeliveryMediums=["EMAIL"],
        )
    except Exception as error:
        code = _code(error)
        if code == "UsernameExistsException":  # created between our look-up and now
            log(f"{email} already exists in {pool_id}; nothing changed.")
            return "exists"
        if code == "InvalidParameterException":
            raise InviteError(f"Cognito refused {email}: {error}") from error
        raise InviteError(f"Cannot create {email}: {error}") from error
    log(f"Invited {email} to {pool_id}.")
    return "created"


def next_steps(email: str) -> str:
    return "\n".join(
        [
            "",
            "Next:",
            f"  1. {email} receives an e-mail from Cognito with a temporary password (valid 7 days).",
            "  2. They open the chat site, sign in with that address and password, and choose their own",
            "     password (and may set up an authenticator app for MFA).",
            "  3. To try the API by hand (runbook Test 4), copy the id token from the site (DevTools → Local",
            '     Storage) and: curl -X POST "${API_URL}chat" -H "Authorization: Bearer $TOKEN" \\',
            "       -H 'Content-Type: application/json' -d '{\"question\": \"How many total calls are in the database?\"}'",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="create-user.sh", description="Invite a user to the chat site.")
    parser.add_argument("email", help="the user's e-mail address (their user name)")
    parser.add_argument("--user-pool-id", required=True, help="the Cognito user pool")
    parser.add_argument("--resend", action="store_true", help="send the invitation again")
    parser.add_argument("--dry-run", action="store_true", help="say what would happen, change nothing")
    args = parser.parse_args(argv)

    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        client = boto3.client("cognito-idp")
        outcome = invite(client, args.user_pool_id, args.email, resend=args.resend, dry_run=args.dry_run)
    except InviteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BotoCoreError as error:  # no region, no credentials, endpoint unreachable
        print(f"error: {error} (set AWS_REGION and AWS credentials)", file=sys.stderr)
        return 1
    if outcome in ("created", "resent"):
        print(next_steps(args.email.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
