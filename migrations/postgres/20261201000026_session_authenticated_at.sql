-- When the session's person last proved who they are (signing in, or confirming their password and
-- second factor again): the most sensitive actions ask for it within the last ten minutes.
ALTER TABLE sessions ADD COLUMN authenticated_at TEXT;
