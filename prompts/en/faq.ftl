# FAQ redirection: entries, automatic redirects, moderator redirects, feedback and gaps.

cmd-faq = Show the FAQ (an entry, a tag, a page); in reply to a message, point its author to an entry
cmd-faq-search = Search the FAQ
cmd-faq-add = Add an entry: after the id, the first line is the question, the lines below the answer (moderators)
cmd-faq-edit = Change an entry's question and answer, written as for /faq add (moderators)
cmd-faq-alias = Add another wording of an entry's question (moderators)
cmd-faq-synonym = Add terms that mean the same (moderators): /faq synonym GUI = graphical = 图形界面, one word when matching questions
cmd-faq-unsynonym = Remove synonyms the community added (moderators): /faq unsynonym TERM removes the groups with it, or write the whole group
cmd-faq-synonyms = The community's own synonyms (a page at a time: /faq synonyms 2)
cmd-faq-remove = Remove an entry (moderators)
cmd-faq-gaps = Questions asked again and again that the FAQ does not answer (moderators)
cmd-faq-propose = Propose a bounty question with an accepted answer for the FAQ (the asker, the answerer or a moderator)
cmd-faq-draft = Have the language model draft an entry from a repeated question (G3) or an accepted answer (Q17), into the review queue (moderators)
cmd-faq-proposals = Proposals waiting for review (moderators)
cmd-faq-approve = Approve a proposal: the question and its accepted answer become an FAQ entry, with the id you give (moderators)
cmd-faq-reject = Reject a proposal, with a reason if you like (moderators)

faq-redirect =
    The FAQ answers this 👉 **{ $question }**
    { $answer }
faq-link = More: { $link }
faq-redirect-hint = (FAQ { $id }: send `/faq { $id }` for all of it; reply "not helpful" if it did not help)
faq-entry = **{ $question }** ({ $id })
    { $answer }
    Tags: { $tags } · other wordings: { $aliases } · viewed { $hits ->
        [one] { $hits } time
       *[other] { $hits } times
    } · 👍 { $helpful } · 👎 { $unhelpful }
faq-learned = Learned "{ $wording }" as a wording of { $id }: asked like that again, it is redirected automatically.
faq-unknown = There is no entry or tag { $id }. Send `/faq` for the list, or `/faq search WORDS`.
faq-no-page = Entry { $id } has only one page; no page number needed.
faq-empty = The FAQ is empty. Moderators add entries with `/faq add ID question⏎answer`, or import them with `jixia faq import`.
faq-no-such-page = There is no page { $page }; there are { $pages }.
faq-list = **FAQ** ({ $count ->
        [one] { $count } entry
       *[other] { $count } entries
    })
faq-list-tag = **FAQ · { $tag }** ({ $count ->
        [one] { $count } entry
       *[other] { $count } entries
    })
faq-list-footer = Page { $page }/{ $pages } · tags: { $tags }. Send `/faq ID` for an entry, `/faq TAG PAGE` for more.
faq-search = Entries closest to "{ $words }":
faq-search-none = Nothing in the FAQ about "{ $words }". Try other words, or ask a moderator to add it.
faq-no-question = The question is missing: after the id, write the question on the first line and the answer below it.
faq-no-answer = The answer is missing: the first line is the question; write the answer on the next lines.
faq-too-long = Too long: questions take at most { $question } characters, answers { $answer }.
faq-bad-id = "{ $id }" cannot be an entry id: use lower-case letters, digits and - . _ (like vacuum-full), and not a subcommand's name.
faq-duplicate = There is already an entry { $id }. To change it, use `/faq edit { $id }`.
faq-added = Added { $id }: { $question }
faq-edited = Changed { $id }: { $question }
faq-alias-exists = { $id } already has that wording.
faq-alias-added = Added a wording to { $id }: { $wording }
arg-terms = TERM = TERM…
faq-synonym-added = Added synonyms: { $terms }. From now on they count as one word when matching questions.
faq-synonym-exists = That group is there already: { $terms }
faq-synonym-too-few = Give at least two terms separated by =, like `/faq synonym GUI = graphical`.
faq-synonym-too-many = At most { $max } terms in a group.
faq-synonym-mixed = "{ $term }" mixes Chinese and Latin letters: write them as two terms separated by =.
faq-synonym-empty = "{ $term }" has only function words or punctuation, nothing to match on: use a word that says something.
faq-synonym-too-long = "{ $term }" is too long: at most { $max } characters a term.
faq-synonym-full = This community has { $max ->
        [one] { $max } group
       *[other] { $max } groups
    } of synonyms already; there is no room for more.
faq-synonyms-none = This community has added no synonyms of its own yet ({ $builtin } built in). Moderators add them with `/faq synonym TERM = TERM`.
faq-synonyms = **This community's synonyms** ({ $count ->
        [one] { $count } group
       *[other] { $count } groups
    }, besides { $builtin } built in):
faq-synonyms-footer = Page { $page }/{ $pages }. Send `/faq synonyms PAGE` for more.
faq-unsynonym-removed = Removed { $count ->
        [one] { $count } group
       *[other] { $count } groups
    } of synonyms with "{ $term }"; in effect now:
faq-unsynonym-none = This community added no synonyms with "{ $term }". Send `/faq synonyms` to see them.
faq-unsynonym-builtin = "{ $term }" is in the built-in vocabulary, not one this community added, so it cannot be removed here. If it makes matches go wrong, tell the maintainers.
faq-removed = Removed { $id }.
faq-gaps-none = No unanswered question came up more than once in the last { $days ->
        [one] { $days } day
       *[other] { $days } days
    }.
faq-gaps = Asked more than once in the last { $days ->
        [one] { $days } day
       *[other] { $days } days
    } and not in the FAQ ({ $count ->
        [one] { $count } group
       *[other] { $count } groups
    }); candidates for new entries:
faq-feedback-noted = Thanks, and sorry it did not help. Noted ({ $id }); a moderator will look at it, and other members may answer.

## From bounty answers to the FAQ

arg-entry = ENTRY
faq-propose-no-bounty = Bounty Q&A is not on in this community, so there are no answers to propose.
faq-propose-unknown = No question "{ $id }". Question ids look like Q17; send `/questions` to see them.
faq-propose-not-accepted = { $id } has no accepted answer yet. Once the asker accepts one, it can be proposed for the FAQ.
faq-propose-not-yours = Only the asker of { $id }, the member whose answer was accepted, or a moderator can propose it for the FAQ. Ask one of them.
faq-propose-pending = { $id } was proposed already and is waiting for a moderator.
faq-propose-in-faq = { $id } is in the FAQ already: `/faq { $entry }`.
faq-propose-rejected = { $id } was proposed before and the moderators did not take it.
faq-propose-rejected-why = { $id } was proposed before and the moderators did not take it: { $reason }
faq-propose-too-long = { $id } is too long for the FAQ (questions up to { $question } characters, answers up to { $answer }). A moderator can add a shorter version with `/faq add`.
faq-proposed = 📥 Proposed { $id } with its accepted answer { $answer } for the FAQ. A moderator will review it; you will hear the decision by direct message.
    "{ $question }"
faq-proposals-none = No FAQ proposals are waiting.
faq-proposals = **FAQ proposals waiting** ({ $count }):
faq-proposals-line = { $id } · proposed by { $name } — { $question } ⮕ { $answer_id } ({ $answerer }): { $answer }
faq-proposals-more = { $count ->
        [one] One more is not shown; decide these first.
       *[other] { $count } more are not shown; decide these first.
    }
faq-proposals-how = Send `/faq approve ID` to take one (an entry id may follow), or `/faq reject ID REASON` to turn it down.
faq-proposal-unknown = No proposal "{ $id }". Send `/faq proposals` to see the waiting ones.
faq-proposal-approved-before = { $id } was approved already: the entry is `/faq { $entry }`.
faq-proposal-rejected-before = { $id } was rejected already.
faq-proposal-entry-taken = There is an entry { $entry } already. Choose another id: `/faq approve { $id } new-id`.
faq-proposal-approved = ✅ { $id } is in the FAQ as `/faq { $entry }`. Members who ask this will be pointed to it:
    "{ $question }"
faq-proposal-rejected = Rejected { $id }.
faq-proposal-rejected-why = Rejected { $id }: { $reason }
faq-dm-approved = ✅ { $id }, which you proposed, is in the FAQ now (`/faq { $entry }`): the next member who asks it will be pointed there. Thank you!
faq-dm-rejected = { $id }, which you proposed, was not taken into the FAQ this time.
faq-dm-rejected-why = { $id }, which you proposed, was not taken into the FAQ this time: { $reason }

# Its section of the digest:
digest-faq-new = New FAQ entries ({ $count }):
digest-faq-line = { $id }: { $question }
digest-faq-top = FAQ entries pointed to most:
digest-faq-top-line = { $id }: { $question } ({ $times ->
        [one] { $times } time
       *[other] { $times } times
    })

# The FAQ's lines in /stats.
faq-figure-redirects = FAQ redirects
faq-figure-unhelpful = FAQ redirects marked unhelpful (👎 or "not helpful")
faq-figure-deflection = Questions the FAQ answered (redirected, not marked unhelpful)

## Machine drafts

arg-from = FROM
faq-gaps-draft = Send `/faq draft G1` to have the language model draft an entry for that group, to review before it goes in.
faq-proposals-line-drafted = { $id } (machine draft · { $model }) asked by { $name }, from { $answer_id } — { $question }: { $answer }
faq-drafted =
    🤖 { $id } (machine draft · { $model }) from { $from } is in the review queue; nothing goes into the FAQ until a moderator approves it:
    Q: { $question }
    A: { $answer }
    Check it, then send `/faq approve { $id }` to add it or `/faq reject { $id } REASON` to turn it down.
faq-draft-bad = "{ $got }" is not something to draft from: use G1, G2… from `/faq gaps`, or a bounty question with an accepted answer, such as Q17.
faq-draft-no-gap = There is no { $id }: { $count ->
        [one] only one group
       *[other] only { $count } groups
    } of repeated questions came up lately; send `/faq gaps` to see them.
faq-draft-no-model = No language model is configured ([llm]): nothing can be drafted.
faq-draft-budget = This community's tokens for today are spent ({ $spent }/{ $budget }); draft again tomorrow.
faq-draft-failed = The language model wrote no draft ({ $why }); try again later.
faq-draft-unreadable = The language model's answer was not in the Q/A form, so nothing was stored. You may try again.
