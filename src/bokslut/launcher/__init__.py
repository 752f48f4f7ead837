"""``bokslut demo``: the whole product on one machine in one command.

Sets up a demo firm, user and client, then runs the Fortnox sandbox, the web server, a
task worker and the scheduler as child processes until Ctrl-C or SIGTERM.
"""
