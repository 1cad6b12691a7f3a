"""Monitoring: the rolling store of request latency and warehouse queries, and the monitoring
page's statistics (health tiles, routes, slowest queries, jobs, daily figures)."""
