"""The policy engine: load -> compile once -> evaluate many -> report.

Nothing here knows about GitHub; the Action is a client of this package.
"""
