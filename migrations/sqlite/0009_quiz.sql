-- 0009_quiz.sql (SQLite): question banks, group rounds, the 段位 assessment
-- and the daily question. Times are INTEGER milliseconds since the epoch.
-- Timers are not here: they are durable jobs in jobs_queue (kinds
-- quiz_close, quiz_exam_close, quiz_daily) keyed by round/exam/step.

-- One imported file. Re-importing the same id replaces its questions in one
-- transaction; questions it no longer has are retired, never deleted
-- (rounds, exams and daily rows point at them).
CREATE TABLE quiz_banks (
    id             TEXT    PRIMARY KEY,
    format         TEXT    NOT NULL,            -- 'jixia' | 'red'
    source         TEXT    NOT NULL,            -- the file as given
    title          TEXT,
    author         TEXT,
    content_hash   TEXT    NOT NULL,            -- unchanged files are skipped at start
    round_defaults TEXT    NOT NULL DEFAULT '{}', -- JSON: question_ms, max_score, reveal_answer, idle_stop_ms, payout_multiplier
    topic_names    TEXT    NOT NULL DEFAULT '[]', -- JSON: [[topic, lang, name], ...]
    imported_at_ms INTEGER NOT NULL
);

CREATE TABLE quiz_questions (
    id             TEXT    PRIMARY KEY,         -- unique across banks
    bank_id        TEXT    NOT NULL REFERENCES quiz_banks (id),
    topic          TEXT    NOT NULL,
    difficulty     INTEGER NOT NULL CHECK (difficulty BETWEEN 1 AND 5),
    kind           TEXT    NOT NULL,            -- 'choice' | 'free'
    line           INTEGER NOT NULL,
    retired        INTEGER NOT NULL DEFAULT 0,
    updated_at_ms  INTEGER NOT NULL
);
CREATE INDEX quiz_questions_topic ON quiz_questions (topic, difficulty) WHERE retired = 0;

-- A question in one language; position 0 is its own language.
CREATE TABLE quiz_variants (
    question_id    TEXT    NOT NULL REFERENCES quiz_questions (id),
    lang           TEXT    NOT NULL,            -- 'zh' | 'en'
    position       INTEGER NOT NULL,
    text           TEXT    NOT NULL,
    options        TEXT,                        -- JSON array (choice)
    correct        TEXT,                        -- JSON array of 0-based indexes (choice)
    answers        TEXT,                        -- JSON array (free)
    explanation    TEXT,
    PRIMARY KEY (question_id, lang)
);

-- A group round. At most one running round per chat (partial unique index).
CREATE TABLE quiz_rounds (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id   TEXT    NOT NULL,
    platform       TEXT    NOT NULL,
    chat_id        TEXT    NOT NULL,
    topic          TEXT    NOT NULL,
    lang           TEXT    NOT NULL,            -- the starter's language
    started_by     INTEGER NOT NULL REFERENCES members (id),
    start_key      TEXT    NOT NULL UNIQUE,     -- platform:chat:message_id of /quiz start
    state          TEXT    NOT NULL,            -- running | finished | stopped | cancelled
    total          INTEGER NOT NULL,            -- questions planned
    question_ms    INTEGER NOT NULL,
    max_score      INTEGER,
    reveal_answer  INTEGER NOT NULL,
    idle_stop_ms   INTEGER NOT NULL,            -- 0: never
    per_correct    INTEGER NOT NULL,            -- points per correct answer (multiplier applied)
    min_players    INTEGER NOT NULL,
    started_at_ms  INTEGER NOT NULL,
    last_attempt_ms INTEGER NOT NULL,           -- idle stop
    ended_at_ms    INTEGER,
    end_reason     TEXT                         -- all_asked | max_score | stopped | idle | restart
);
CREATE UNIQUE INDEX quiz_rounds_one_per_chat ON quiz_rounds (community_id, platform, chat_id) WHERE state = 'running';
CREATE INDEX quiz_rounds_ended ON quiz_rounds (community_id, ended_at_ms);

-- The questions of a round, planned at start (so a restart resumes the same
-- plan). seq 1..total; opened when asked, closed once (first correct answer,
-- timeout, stop).
CREATE TABLE quiz_round_questions (
    round_id       INTEGER NOT NULL REFERENCES quiz_rounds (id),
    seq            INTEGER NOT NULL,
    question_id    TEXT    NOT NULL REFERENCES quiz_questions (id),
    opened_at_ms   INTEGER,
    closes_at_ms   INTEGER,
    closed_at_ms   INTEGER,
    winner_id      INTEGER REFERENCES members (id),
    close_reason   TEXT,                        -- answered | timeout | stopped | cancelled
    PRIMARY KEY (round_id, seq)
);

-- Who took part (any answer attempt) and their score.
CREATE TABLE quiz_round_players (
    round_id       INTEGER NOT NULL REFERENCES quiz_rounds (id),
    member_id      INTEGER NOT NULL REFERENCES members (id),
    score          INTEGER NOT NULL DEFAULT 0,
    first_at_ms    INTEGER NOT NULL,
    PRIMARY KEY (round_id, member_id)
);

-- A multiple-choice pick: one per member per question ("answering twice").
CREATE TABLE quiz_round_picks (
    round_id       INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    member_id      INTEGER NOT NULL REFERENCES members (id),
    choice         INTEGER NOT NULL,
    correct        INTEGER NOT NULL,
    at_ms          INTEGER NOT NULL,
    PRIMARY KEY (round_id, seq, member_id),
    FOREIGN KEY (round_id, seq) REFERENCES quiz_round_questions (round_id, seq)
);

-- An assessment, in a direct message. At most one running per member.
CREATE TABLE quiz_exams (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id   TEXT    NOT NULL,
    member_id      INTEGER NOT NULL REFERENCES members (id),
    platform       TEXT    NOT NULL,            -- where to DM
    user_id        TEXT    NOT NULL,
    topic          TEXT    NOT NULL,
    lang           TEXT    NOT NULL,
    start_key      TEXT    NOT NULL UNIQUE,
    state          TEXT    NOT NULL,            -- running | finished | stopped | cancelled
    total          INTEGER NOT NULL,
    start_difficulty INTEGER NOT NULL,
    step_ms        INTEGER NOT NULL,
    score          INTEGER,                     -- 0-100, when finished or stopped
    level          INTEGER,                     -- rung index, when finished or stopped
    promoted       INTEGER NOT NULL DEFAULT 0,  -- a new best level for the topic
    started_at_ms  INTEGER NOT NULL,
    ended_at_ms    INTEGER
);
CREATE UNIQUE INDEX quiz_exams_one_running ON quiz_exams (community_id, member_id) WHERE state = 'running';
CREATE INDEX quiz_exams_member ON quiz_exams (community_id, member_id, topic, started_at_ms);
CREATE INDEX quiz_exams_ended ON quiz_exams (community_id, ended_at_ms);

CREATE TABLE quiz_exam_steps (
    exam_id        INTEGER NOT NULL REFERENCES quiz_exams (id),
    seq            INTEGER NOT NULL,
    question_id    TEXT    NOT NULL REFERENCES quiz_questions (id),
    difficulty     INTEGER NOT NULL,
    asked_at_ms    INTEGER NOT NULL,
    closes_at_ms   INTEGER NOT NULL,
    answered_at_ms INTEGER,
    answer         TEXT,
    correct        INTEGER,                     -- NULL until answered or timed out
    PRIMARY KEY (exam_id, seq)
);

-- Best level per member and topic (/whoami, /exam result).
CREATE TABLE quiz_levels (
    community_id   TEXT    NOT NULL,
    member_id      INTEGER NOT NULL REFERENCES members (id),
    topic          TEXT    NOT NULL,
    best_level     INTEGER NOT NULL,
    best_score     INTEGER NOT NULL,
    best_exam_id   INTEGER NOT NULL REFERENCES quiz_exams (id),
    updated_at_ms  INTEGER NOT NULL,
    PRIMARY KEY (community_id, member_id, topic)
);

-- Opt-in to announce promotions in the quiz chats.
CREATE TABLE quiz_prefs (
    community_id   TEXT    NOT NULL,
    member_id      INTEGER NOT NULL REFERENCES members (id),
    announce       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, member_id)
);

-- The daily question: one row per community and calendar day (community
-- time zone, 'YYYY-MM-DD'), inserted ON CONFLICT DO NOTHING then read back.
CREATE TABLE quiz_daily (
    community_id   TEXT    NOT NULL,
    day            TEXT    NOT NULL,
    question_id    TEXT    NOT NULL REFERENCES quiz_questions (id),
    cycle          INTEGER NOT NULL,
    chosen_at_ms   INTEGER NOT NULL,
    PRIMARY KEY (community_id, day)
);

CREATE TABLE quiz_daily_players (
    community_id   TEXT    NOT NULL,
    day            TEXT    NOT NULL,
    member_id      INTEGER NOT NULL REFERENCES members (id),
    tries          INTEGER NOT NULL DEFAULT 0,
    solved_at_ms   INTEGER,
    PRIMARY KEY (community_id, day, member_id)
);
CREATE INDEX quiz_daily_players_solved ON quiz_daily_players (community_id, solved_at_ms);
