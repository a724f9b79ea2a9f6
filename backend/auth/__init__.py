"""Users, passwords, bearer tokens and role checks.

``service`` holds the keyword-only functions (no web imports), ``deps`` the FastAPI
dependencies (``CurrentUser``, ``require_roles``), ``views`` the ``/api/auth`` router.
"""
