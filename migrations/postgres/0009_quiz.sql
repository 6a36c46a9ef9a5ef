-- 0009_quiz.sql (PostgreSQL): question banks, group rounds, the 段位 assessment
-- and the daily question. Times are BIGINT milliseconds since the epoch (the `*_ms` columns;
-- SQLite's INTEGER is 64-bit, PostgreSQL's is not, as in the other migrations).
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
    imported_at_ms BIGINT  NOT NULL
);

CREATE TABLE quiz_questions (
    id             TEXT    PRIMARY KEY,         -- unique across banks
    bank_id        TEXT    NOT NULL REFERENCES quiz_banks (id),
    topic          TEXT    NOT NULL,
    difficulty     BIGINT  NOT NULL CHECK (difficulty BETWEEN 1 AND 5),
    kind           TEXT    NOT NULL,            -- 'choice' | 'free'
    line           BIGINT  NOT NULL,
    retired        BIGINT  NOT NULL DEFAULT 0,
    updated_at_ms  BIGINT  NOT NULL
);
CREATE INDEX quiz_questions_topic ON quiz_questions (topic, difficulty) WHERE retired = 0;

-- A question in one language; position 0 is its own language.
CREATE TABLE quiz_variants (
    question_id    TEXT    NOT NULL REFERENCES quiz_questions (id),
    lang           TEXT    NOT NULL,            -- 'zh' | 'en'
    position       BIGINT  NOT NULL,
    text           TEXT    NOT NULL,
    options        TEXT,                        -- JSON array (choice)
    correct        TEXT,                        -- JSON array of 0-based indexes (choice)
    answers        TEXT,                        -- JSON array (free)
    explanation    TEXT,
    PRIMARY KEY (question_id, lang)
);

-- A group round. At most one running round per chat (partial unique index).
CREATE TABLE quiz_rounds (
    id             BIGSERIAL PRIMARY KEY,
    community_id   TEXT    NOT NULL,
    platform       TEXT    NOT NULL,
    chat_id        TEXT    NOT NULL,
    topic          TEXT    NOT NULL,
    lang           TEXT    NOT NULL,            -- the starter's language
    started_by     BIGINT  NOT NULL REFERENCES members (id),
    start_key      TEXT    NOT NULL UNIQUE,     -- platform:chat:message_id of /quiz start
    state          TEXT    NOT NULL,            -- running | finished | stopped | cancelled
    total          BIGINT  NOT NULL,            -- questions planned
    question_ms    BIGINT  NOT NULL,
    max_score      BIGINT,
    reveal_answer  BIGINT  NOT NULL,
    idle_stop_ms   BIGINT  NOT NULL,            -- 0: never
    per_correct    BIGINT  NOT NULL,            -- points per correct answer (multiplier applied)
    min_players    BIGINT  NOT NULL,
    started_at_ms  BIGINT  NOT NULL,
    last_attempt_ms BIGINT  NOT NULL,           -- idle stop
    ended_at_ms    BIGINT,
    end_reason     TEXT                         -- all_asked | max_score | stopped | idle | restart
);
CREATE UNIQUE INDEX quiz_rounds_one_per_chat ON quiz_rounds (community_id, platform, chat_id) WHERE state = 'running';
CREATE INDEX quiz_rounds_ended ON quiz_rounds (community_id, ended_at_ms);

-- The questions of a round, planned at start (so a restart resumes the same
-- plan). seq 1..total; opened when asked, closed once (first correct answer,
-- timeout, stop).
CREATE TABLE quiz_round_questions (
    round_id       BIGINT  NOT NULL REFERENCES quiz_rounds (id),
    seq            BIGINT  NOT NULL,
    question_id    TEXT    NOT NULL REFERENCES quiz_questions (id),
    opened_at_ms   BIGINT,
    closes_at_ms   BIGINT,
    closed_at_ms   BIGINT,
    winner_id      BIGINT  REFERENCES members (id),
    close_reason   TEXT,                        -- answered | timeout | stopped | cancelled
    PRIMARY KEY (round_id, seq)
);

-- Who took part (any answer attempt) and their score.
CREATE TABLE quiz_round_players (
    round_id       BIGINT  NOT NULL REFERENCES quiz_rounds (id),
    member_id      BIGINT  NOT NULL REFERENCES members (id),
    score          BIGINT  NOT NULL DEFAULT 0,
    first_at_ms    BIGINT  NOT NULL,
    PRIMARY KEY (round_id, member_id)
);

-- A multiple-choice pick: one per member per question ("answering twice").
CREATE TABLE quiz_round_picks (
    round_id       BIGINT  NOT NULL,
    seq            BIGINT  NOT NULL,
    member_id      BIGINT  NOT NULL REFERENCES members (id),
    choice         BIGINT  NOT NULL,
    correct        BIGINT  NOT NULL,
    at_ms          BIGINT  NOT NULL,
    PRIMARY KEY (round_id, seq, member_id),
    FOREIGN KEY (round_id, seq) REFERENCES quiz_round_questions (round_id, seq)
);

-- An assessment, in a direct message. At most one running per member.
CREATE TABLE quiz_exams (
    id             BIGSERIAL PRIMARY KEY,
    community_id   TEXT    NOT NULL,
    member_id      BIGINT  NOT NULL REFERENCES members (id),
    platform       TEXT    NOT NULL,            -- where to DM
    user_id        TEXT    NOT NULL,
    topic          TEXT    NOT NULL,
    lang           TEXT    NOT NULL,
    start_key      TEXT    NOT NULL UNIQUE,
    state          TEXT    NOT NULL,            -- running | finished | stopped | cancelled
    total          BIGINT  NOT NULL,
    start_difficulty BIGINT  NOT NULL,
    step_ms        BIGINT  NOT NULL,
    score          BIGINT,                     -- 0-100, when finished or stopped
    level          BIGINT,                     -- rung index, when finished or stopped
    promoted       BIGINT  NOT NULL DEFAULT 0,  -- a new best level for the topic
    started_at_ms  BIGINT  NOT NULL,
    ended_at_ms    BIGINT
);
CREATE UNIQUE INDEX quiz_exams_one_running ON quiz_exams (community_id, member_id) WHERE state = 'running';
CREATE INDEX quiz_exams_member ON quiz_exams (community_id, member_id, topic, started_at_ms);
CREATE INDEX quiz_exams_ended ON quiz_exams (community_id, ended_at_ms);

CREATE TABLE quiz_exam_steps (
    exam_id        BIGINT  NOT NULL REFERENCES quiz_exams (id),
    seq            BIGINT  NOT NULL,
    question_id    TEXT    NOT NULL REFERENCES quiz_questions (id),
    difficulty     BIGINT  NOT NULL,
    asked_at_ms    BIGINT  NOT NULL,
    closes_at_ms   BIGINT  NOT NULL,
    answered_at_ms BIGINT,
    answer         TEXT,
    correct        BIGINT,                     -- NULL until answered or timed out
    PRIMARY KEY (exam_id, seq)
);

-- Best level per member and topic (/whoami, /exam result).
CREATE TABLE quiz_levels (
    community_id   TEXT    NOT NULL,
    member_id      BIGINT  NOT NULL REFERENCES members (id),
    topic          TEXT    NOT NULL,
    best_level     BIGINT  NOT NULL,
    best_score     BIGINT  NOT NULL,
    best_exam_id   BIGINT  NOT NULL REFERENCES quiz_exams (id),
    updated_at_ms  BIGINT  NOT NULL,
    PRIMARY KEY (community_id, member_id, topic)
);

-- Opt-in to announce promotions in the quiz chats.
CREATE TABLE quiz_prefs (
    community_id   TEXT    NOT NULL,
    member_id      BIGINT  NOT NULL REFERENCES members (id),
    announce       BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, member_id)
);

-- The daily question: one row per community and calendar day (community
-- time zone, 'YYYY-MM-DD'), inserted ON CONFLICT DO NOTHING then read back.
CREATE TABLE quiz_daily (
    community_id   TEXT    NOT NULL,
    day            TEXT    NOT NULL,
    question_id    TEXT    NOT NULL REFERENCES quiz_questions (id),
    cycle          BIGINT  NOT NULL,
    chosen_at_ms   BIGINT  NOT NULL,
    PRIMARY KEY (community_id, day)
);

CREATE TABLE quiz_daily_players (
    community_id   TEXT    NOT NULL,
    day            TEXT    NOT NULL,
    member_id      BIGINT  NOT NULL REFERENCES members (id),
    tries          BIGINT  NOT NULL DEFAULT 0,
    solved_at_ms   BIGINT,
    PRIMARY KEY (community_id, day, member_id)
);
CREATE INDEX quiz_daily_players_solved ON quiz_daily_players (community_id, solved_at_ms);
