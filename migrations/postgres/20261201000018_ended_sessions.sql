-- Why a session was ended by someone else (a DA removed the person, an operator disabled the
-- account): its browser is refused as before, and told why instead of a bare "sign in".
ALTER TABLE sessions ADD COLUMN ended_reason TEXT;
