"""Events: public pages and agenda, registration with waiting list, and the mails around it."""
