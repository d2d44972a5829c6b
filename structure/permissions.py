"""Who may reorganise the structure (docs/PERMISSIONS.md)."""

from reports.permissions import AnyUser, is_admin


def can_reorganise(user: AnyUser) -> bool:
    """Merge, split, rename, move or dissolve units (the admin's wizard): the
    administrator only. The ``reorganise`` command is run by whoever runs the server."""
    return is_admin(user)
