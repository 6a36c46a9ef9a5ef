# Bounty Q&A: questions (optionally with points held in escrow), answers, votes, accepts, expiry, urgent bounties.

cmd-ask = Ask a question, optionally with a bounty: /ask [N] QUESTION
cmd-ask-urgent = Urgent bounty: higher minimum, shorter period, listed first, announced to subscribers
cmd-answer = Answer a question (or just reply to the question's message)
cmd-upvote = Upvote an answer (once per answer, never your own)
cmd-accept = Accept an answer: the bounty goes to its author (the asker; moderators after the period)
cmd-questions = Open questions: urgent first, then by bounty
cmd-questions-mine = Your questions
cmd-question = One question with its answers
cmd-bounty-notify = Direct messages about urgent bounties: on or off
cmd-bounty-answers = Direct messages about new answers to your questions: on or off (default on)

## Asking

bounty-question-head =
    ❓ { $id } · { $tags } — { $name }
    { $question }
bounty-asked-how = Reply to this message to answer, or send `/answer { $id } YOUR ANSWER`. Open until { $until }.
bounty-tag-points = { $bounty ->
        [one] { $bounty } point
       *[other] { $bounty } points
    }
bounty-tag-free = no bounty
bounty-tag-urgent = 🔥urgent
bounty-state-open = open
bounty-state-accepted = accepted
bounty-state-expired = expired
bounty-ask-duplicate = That question was already recorded as { $id }; nothing was charged twice.
bounty-group-only = Ask in the group, where everyone can see and answer.
bounty-urgent-needs-amount = An urgent bounty needs an amount: `/ask urgent N QUESTION`.
bounty-amount-not-a-number = "{ $amount }" is not an amount of points: give a whole number from { $min } to { $max }.
bounty-amount-not-positive = A bounty must be more than 0 points ({ $min } to { $max }).
bounty-amount-below-min = A bounty is at least { $min ->
        [one] { $min } point
       *[other] { $min } points
    }.
bounty-amount-below-urgent-min = An urgent bounty is at least { $min ->
        [one] { $min } point
       *[other] { $min } points
    }.
bounty-amount-above-max = A bounty is at most { $max ->
        [one] { $max } point
       *[other] { $max } points
    }.
bounty-empty-question = What is the question? `/ask [N] QUESTION`.
bounty-empty-answer = What is the answer?
bounty-too-long = Too long: at most { $max } characters, this has { $count }.
bounty-too-many = You have { $open } open bounties already; wait until one of them closes.
bounty-insufficient = A bounty of { $bounty ->
        [one] { $bounty } point
       *[other] { $bounty } points
    }, but you have { $balance }.

## Answers, votes, accepting

bounty-unknown-question = There is no question "{ $id }". Send `/questions` for the open ones.
bounty-unknown-answer = There is no answer "{ $id }". Answer ids look like Q17-A2.
bounty-closed = { $id } is closed ({ $state }): no more answers or accepts.
bounty-answered = ✍️ Answer { $answer } recorded. If the asker accepts it, the bounty is yours.
bounty-answered-own = ✍️ Recorded as { $answer } (your own answer cannot be accepted).
bounty-voted = 👍 Upvoted { $answer }: { $votes } votes now.
bounty-unvoted = Vote on { $answer } removed: { $votes } votes now.
bounty-vote-twice = You already upvoted { $answer }.
bounty-vote-none = You had not upvoted { $answer }.
bounty-vote-own = You cannot upvote your own answer { $answer }.
bounty-vote-closed = The question of { $answer } is closed; votes are over.
bounty-accept-which = Which answer? Reply `/accept` to it, or send `/accept Q17-A2`.
bounty-accept-not-asker = Only the asker can accept an answer to { $id }.
bounty-accept-moderator-early = { $id } is open until { $until }; until then only the asker can accept.
bounty-accept-own = { $answer } is your own answer; it cannot be accepted.
bounty-accepted = 🏆 Accepted { $answer } by { $name }: { $bounty ->
        [one] { $bounty } point
       *[other] { $bounty } points
    } go to { $name }.
bounty-accepted-free = 🏆 Accepted { $answer } by { $name }.

## Lists

bounty-list-head = **Open questions** ({ $count }, page { $page }/{ $pages }):
bounty-list-mine-head = **Your questions** ({ $count }, page { $page }/{ $pages }):
bounty-list-line = { $id } · { $tags } · { $answers ->
        [one] { $answers } answer
       *[other] { $answers } answers
    } · { $age } — { $question }
bounty-list-none = No open questions. Ask one with `/ask [N] QUESTION`.
bounty-list-mine-none = You have not asked anything yet.
bounty-list-no-page = There is no such page ({ $pages } in all).
bounty-age-minutes = { $n } min ago
bounty-age-hours = { $n } h ago
bounty-age-days = { $n } d ago
bounty-no-answers = No answers yet. Reply to the question, or send `/answer { $id } YOUR ANSWER`.
bounty-answers-head = { $count ->
        [one] { $count } answer
       *[other] { $count } answers
    }:
bounty-answer-line = { $mark }{ $answer } · { $name } · 👍{ $votes } — { $text }
bounty-button-upvote = 👍 { $answer }
bounty-button-accept = ✅ Accept { $answer }

## Notifications

bounty-notify-on = Done: urgent bounties will come by direct message. `/bounty notify off` stops them.
bounty-notify-off = Urgent bounty messages are off.
bounty-answers-on = Done: new answers to your questions will come by direct message (at most one per question per 10 minutes).
bounty-answers-off = New-answer messages are off.
bounty-dm-urgent = 🔥 Urgent bounty { $id } ({ $bounty ->
        [one] { $bounty } point
       *[other] { $bounty } points
    }, { $name }): { $question }
    Reply to the question in the group, or send `/answer { $id } YOUR ANSWER`. To stop these: `/bounty notify off`.
bounty-dm-answers = Your question { $id } has { $count ->
        [one] { $count } answer
       *[other] { $count } answers
    } now, the latest { $answer } by { $name }. Send `/question { $id }` to read them, and `/accept { $answer }` if it solves it.

## Expiry

bounty-expired-shared = ⌛ { $id } expired without an accept: { $paid ->
        [one] { $paid } point
       *[other] { $paid } points
    } to the best-voted answer { $answer } ({ $name }), { $returned } back to the asker.
bounty-expired-returned = ⌛ { $id } expired with no answer voted up enough: { $returned ->
        [one] { $returned } point
       *[other] { $returned } points
    } back to the asker (fee { $fee }).
bounty-expired-free = ⌛ { $id } expired and is closed.

## Digest

digest-bounty-urgent = **Urgent bounties** ({ $count } open):
digest-bounty-urgent-line = { $id } · { $bounty ->
        [one] { $bounty } point
       *[other] { $bounty } points
    } · { $answers ->
        [one] { $answers } answer
       *[other] { $answers } answers
    } — { $question }
digest-bounty-closed = **Bounties closed** ({ $count }):
digest-bounty-closed-line = { $id } · { $bounty ->
        [one] { $bounty } point
       *[other] { $bounty } points
    } · { $state } — { $question }
digest-bounty-top = **Top answerers**:
digest-bounty-top-line = { $name } — { $accepted } accepted, { $points ->
        [one] { $points } point
       *[other] { $points } points
    }

# Names in points histories:
points-kind-bounty_escrow = bounty held in escrow
points-kind-bounty_award = bounty won
points-kind-bounty_return = bounty returned
points-kind-bounty_fee = bounty fee
