"""The outbox: every e-mail is a row first, written with the change that causes it, and sent by the
dispatcher after the commit. It sits just above core: it imports no domain package, and asks them
through the table of kinds.py whether a message still applies and what it attaches."""
