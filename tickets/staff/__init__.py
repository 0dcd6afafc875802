"""The staff side: department queues, the staff ticket page, answering and handling tickets
(URLs under /staff/). Who may see what: tickets.access."""
