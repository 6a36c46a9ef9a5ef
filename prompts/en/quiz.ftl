# Quizzes: group rounds, the private level assessment, the daily question.

cmd-quiz-start = Start a quiz round in this chat, with a topic and a number of questions (moderators; communities may open it to members)
cmd-quiz-stop = End this chat's round early (whoever started it, or a moderator)
cmd-quiz-answer = Answer the current question (typing the answer in the chat works too)
cmd-quiz-pick = Pick an option of a multiple-choice question (the buttons send this)
cmd-quiz-topics = List the quiz topics and their questions
cmd-quiz = Quiz rounds in the group, topics and the question of the day
cmd-quiz-daily = Today's question; answer it in a DM. Moderators: here [09:00] posts it daily, off stops
cmd-exam = Level assessment in a DM: harder after a right answer, easier after a wrong one
cmd-exam-result = Your levels and past assessments
cmd-exam-stop = End the assessment in progress
cmd-exam-announce = Whether a new level is announced in the group: on or off

quiz-lang-zh = Chinese
quiz-lang-en = English

## Group rounds

quiz-round-started = 🎯 **{ $topic } quiz!** { $total ->
        [one] { $total } question
       *[other] { $total } questions
    }, { $secs } s each; the first right answer scores.
quiz-round-fewer = ({ $topic } has only { $total ->
        [one] { $total } question
       *[other] { $total } questions
    } in { $lang }, so this round has { $total }.)
quiz-question = **Question { $seq }/{ $total }** · { $stars } · { $secs } s
    { $text }
quiz-option-line = { $label }. { $option }
quiz-choice-hint = Press a button, or type the letter (for example `B`).
quiz-free-hint = Type the answer in the chat, or `/quiz answer ANSWER`.
quiz-correct = ✅ **{ $name }** got it! The answer: { $answer } ({ $name } has { $score } this round)
quiz-pick-wrong = ❌ { $name } picked { $label }: not right, and no second pick on this question.
quiz-wrong-try = ❌ Not that. Try again.
quiz-timeout-reveal = ⏰ Time's up, nobody got it. The answer: **{ $answer }**
quiz-timeout-hidden = ⏰ Time's up, nobody got it.
quiz-explanation = 💡 { $explanation }
quiz-round-end = 🏁 **Round over**: { $reason }
quiz-end-all-asked = every question was asked.
quiz-end-max-score = { $name } reached { $score ->
        [one] { $score } point
       *[other] { $score } points
    }.
quiz-end-stopped = { $name } ended the round.
quiz-end-idle = nobody has answered for a while.
quiz-end-restart = the bot was down too long.
quiz-scoreboard-line = #{ $rank } { $name } — { $score }
quiz-scoreboard-empty = Nobody answered right this round.
quiz-paid = { $points ->
        [one] { $points } point
       *[other] { $points } points
    } per right answer, paid to { $count ->
        [one] one member
       *[other] { $count } members
    }.
quiz-not-paid = Only { $players } took part, fewer than { $min }: no points this time.
quiz-cancelled-restart = ⚠️ This chat's round (question { $seq }/{ $total }) was interrupted too long by a restart of the bot; it is cancelled and no points are paid.
quiz-topics = **Quiz topics** ({ $lang }):
quiz-topic-line = `{ $topic }` { $name } — { $count ->
        [one] { $count } question
       *[other] { $count } questions
    }, difficulty { $low }–{ $high }

## Group rounds: bad input

quiz-no-round = No quiz is running in this chat. A moderator can start one with `/quiz start TOPIC [N]`.
quiz-closed = That question is closed.
quiz-already-picked = You already picked { $label } for this question; one pick per question.
quiz-round-running = A round is already running here ({ $topic }, question { $seq }/{ $total }). One round per chat at a time; `/quiz stop` ends it early.
quiz-unknown-topic = There is no topic "{ $topic }". Topics: { $topics }
quiz-no-topics = No question bank has been imported yet. An operator can add one with `jixia quiz import FILE`.
quiz-topic-no-lang = Topic "{ $topic }" has no questions in { $lang } (it has: { $langs }). `/lang` switches your language.
quiz-start-moderators-only = Only moderators can start a quiz in this community.
quiz-stop-not-yours = Only { $name }, who started this round, or a moderator can end it.
quiz-too-many = A round has at most { $max ->
        [one] { $max } question
       *[other] { $max } questions
    }.
quiz-group-only = Quiz rounds run in a group chat.
quiz-bad-pick = "{ $got }" is not an option. Press a button under the question, or type A–{ $last }.

## Level assessment (direct message)

quiz-exam-dm-only = The assessment runs in a direct message: send me `/exam { $topic }` there.
quiz-exam-pick-topic = Which topic? { $topics } (for example `/exam postgres`).
quiz-exam-started = 📝 **{ $topic } assessment**: { $total ->
        [one] { $total } question
       *[other] { $total } questions
    }, { $secs } s each. A right answer makes the next one harder, a wrong one easier. Just reply with your answer; `/exam stop` ends it any time.
quiz-exam-question = **Question { $seq }/{ $total }** · { $stars }
    { $text }
quiz-exam-right = ✅ Right!
quiz-exam-wrong = ❌ Not right. The answer: { $answer }
quiz-exam-timeout = ⏰ Time's up. The answer: { $answer }
quiz-exam-not-a-choice = Reply with a letter A–{ $last }, or press a button.
quiz-exam-result = 🏅 Done: { $score ->
        [one] { $score } point
       *[other] { $score } points
    }, { $topic } level **{ $level }**.
quiz-exam-promoted = 🎉 A new best! Your best before was { $before }.
quiz-exam-first = Your first level in { $topic }.
quiz-exam-stopped = Assessment ended: { $answered }/{ $total } answered, the rest count as wrong; { $score ->
        [one] { $score } point
       *[other] { $score } points
    }, level **{ $level }**. The cooldown applies.
quiz-exam-cooldown = Your { $topic } assessment is cooling down: you can retake it in { $when } ({ $at }).
quiz-exam-running = You have an assessment in progress ({ $topic }, question { $seq }/{ $total }): answer it, or send `/exam stop`.
quiz-exam-none = You have no assessment in progress.
quiz-exam-too-few = Topic "{ $topic }" has only { $count ->
        [one] { $count } question
       *[other] { $count } questions
    } in { $lang }; an assessment needs { $total }.
quiz-exam-cancelled-restart = ⚠️ Your assessment was interrupted too long by a restart of the bot and is cancelled: no result, no cooldown. Send `/exam { $topic }` to start again.
quiz-exam-results = **{ $name }'s levels**
quiz-exam-level-line = { $topic }: **{ $level }** (best { $score })
quiz-exam-history = Latest assessments:
quiz-exam-history-line = { $date } · { $topic } · { $score } · { $level }
quiz-exam-no-results = You have not taken an assessment yet. Send me `/exam` in a direct message.
quiz-exam-announce = 🏅 Congratulations **{ $name }**: now **{ $level }** in { $topic }!
quiz-exam-announce-on = OK: new levels will be announced in the group.
quiz-exam-announce-off = OK: new levels will not be announced.
quiz-whoami-levels = Levels: { $levels }
quiz-duration = { $hours ->
        [0] { $minutes } min
       *[other] { $hours } h { $minutes } min
    }

## Daily question

quiz-daily-post = 📅 **Question of the day** · { $date } · { $stars }
    { $text }
quiz-daily-how = Answer with `/quiz daily ANSWER` in a direct message to me (no spoilers); your first right answer earns { $points ->
        [one] { $points } point
       *[other] { $points } points
    }. The answer comes tomorrow.
quiz-daily-yesterday = Yesterday's ({ $date }) answer: **{ $answer }**; { $solvers ->
        [one] one member
       *[other] { $solvers } members
    } got it.
quiz-daily-right = ✅ Right! +{ $points ->
        [one] { $points } point
       *[other] { $points } points
    }.
quiz-daily-right-no-reward = ✅ Right!
quiz-daily-wrong = ❌ Not right; { $left ->
        [one] one more try
       *[other] { $left } more tries
    } today.
quiz-daily-out-of-tries = No tries left today; the answer comes tomorrow.
quiz-daily-solved = You already solved today's question. See you tomorrow!
quiz-daily-none = No question of the day: there are no questions yet.
quiz-daily-closed = That was { $date }'s question and it is closed. Today's: `/quiz daily`.
quiz-schedule-set = ✅ The question of the day will be posted here every day at { $time } ({ $tz }).
quiz-schedule-off = The question of the day is no longer posted here.
quiz-schedule-none = The question of the day is not posted in this chat.
quiz-schedule-bad-time = "{ $got }" is not a time: write `09:00`, or `off` to stop.
quiz-daily-dm-only = Answer the question of the day in a direct message to { $bot }, so nobody gets spoiled.

## Points history and digest

points-kind-quiz_round = quiz round
points-kind-quiz_daily = question of the day
points-kind-quiz_promotion = level promotion
digest-quiz-daily = Question of the day: { $count ->
        [one] one solver
       *[other] { $count } solvers
    }
digest-quiz-daily-line = { $name }
digest-quiz-promotions = New levels this week:
digest-quiz-promotion-line = { $name } — { $topic } { $level }
