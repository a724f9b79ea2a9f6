"""Cases: the closed loop from report to closure (workflow table, service, views)."""
