"""The staff pages of the editorial workflow, by what they are for.

access (who may open which page, and the 403 that says so), queue (the
dashboard and the correction queue), correction (one correction and its
moderation), stage (staging edits, withdrawals, merges and new records),
evidence (sources and citations staged from a correction), changes (staged
changes and the update composer), present (records and changes as staff
read them, the footnoted preview). Every write is a call into
editorial.corrections, editorial.staging or editorial.publishing.
"""
