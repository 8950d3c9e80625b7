"""The audit actions of accounts: sign-in, passwords, two-factor, roles, API tokens, users.

Values are the strings stored in the audit chain: never change one (see toandan.audit.actions).
"""

from __future__ import annotations

from enum import StrEnum

from toandan.audit.actions import register_actions


# Names of actions, not secrets (S105 reads "PASSWORD"/"TOKEN" in a name as one).
class AccountsAction(StrEnum):
    LOGIN_FAILURE = "accounts.login.failure"
    LOGIN_LOCKOUT = "accounts.login.lockout"
    LOGIN_SUCCESS = "accounts.login.success"
    LOGOUT = "accounts.logout"
    PASSWORD_CHANGE = "accounts.password.change"  # noqa: S105
    PASSWORD_SET_BY_ADMIN = "accounts.password.set_by_admin"  # noqa: S105
    TWO_FACTOR_ENROL = "accounts.2fa.enrol"
    TWO_FACTOR_RESET = "accounts.2fa.reset"
    ROLE_ASSIGN = "accounts.role.assign"
    ROLE_CHANGE = "accounts.role.change"
    ROLE_END = "accounts.role.end"
    ROLE_BOOTSTRAP = "accounts.role.bootstrap"
    ROLE_GRANT_REQUEST = "accounts.role.grant_request"
    ROLE_GRANT_APPROVE = "accounts.role.grant_approve"
    ROLE_GRANT_REFUSE = "accounts.role.grant_refuse"
    TOKEN_CREATE = "accounts.token.create"  # noqa: S105
    TOKEN_REVOKE = "accounts.token.revoke"  # noqa: S105
    USER_CREATE = "accounts.user.create"
    USER_UPDATE = "accounts.user.update"


register_actions("accounts", AccountsAction)
