"""The site's own pages: home, methodology, privacy, search, the sitemaps and robots.txt.

At the top with the other apps: it reads entities, evidence, editorial and
derived; hub/urls.py includes its URLs, and nothing else imports it.
"""
