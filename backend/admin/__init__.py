"""The administrator's API: users, departments, catalog settings, routing rules, work calendar.

Everything a deployment configures goes through ``/api/admin`` (admin role only), so changing
who handles what never needs a code change.
"""
