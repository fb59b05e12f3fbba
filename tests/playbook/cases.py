"""The labelled set: replies written by the project, with the findings each
must produce and must not produce. `context` names a conversation from
conversations.py (None = coached against an empty context). A reply with
`good=True` must produce no finding at all. bench/coach.py reads this set to
report precision and recall per finding kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from calmdesk.playbook.schema import FINDING_KINDS


@dataclass(frozen=True)
class ReplyCase:
    id: str
    context: str | None
    reply: str
    must: frozenset[str] = frozenset()
    must_not: frozenset[str] = frozenset()
    role: str = "agent"
    good: bool = False

    def forbidden(self) -> frozenset[str]:
        return frozenset(FINDING_KINDS) if self.good else self.must_not


def good(id: str, context: str | None, reply: str, role: str = "agent") -> ReplyCase:
    return ReplyCase(id, context, reply, role=role, good=True)


def bad(
    id: str, context: str | None, reply: str, must: str, must_not: str = "", role: str = "agent"
) -> ReplyCase:
    return ReplyCase(id, context, reply, frozenset(must.split()), frozenset(must_not.split()), role)


CASES: list[ReplyCase] = [
    # --- well-written replies: no finding at all -------------------------------------------
    good(
        "good_late_delivery",
        "late_delivery",
        "Hi Jane,\n\nI understand that your order #4411 has still not arrived, and that you have had to "
        "write to us three times. I want to help, and I can do that best when we keep this conversation "
        "respectful. I apologize for the delay.\n\nI can offer you a full refund, or a replacement sent "
        "by express courier. Which would you prefer? I will update you by Wednesday.\n\nKind regards,\nSam",
    ),
    good(
        "good_double_charge",
        "double_charge",
        "Hi Marcus,\n\nThank you for flagging this. I can see that you were charged twice for your "
        "subscription this month, and I understand how frustrating that is. I apologize for the mistake.\n\n"
        "I can refund the second payment to your card, or add it as store credit on your account if you "
        "prefer. I will confirm the refund by Thursday.\n\nBest wishes,\nSam",
    ),
    good(
        "good_damaged_sofa",
        "damaged_sofa",
        "Dear Priya,\n\nI understand that your sofa was delivered damaged and that you could not reach us "
        "by phone. That is not the experience you should have had, and I apologize.\n\nYou have two "
        "options: a replacement sofa delivered at no cost, or a full refund once the damaged one is "
        "collected. Let me know which you would like, and I will arrange it and update you by Wednesday.\n\n"
        "Kind regards,\nSam",
    ),
    good(
        "good_manager_request",
        "manager_request",
        "Hi Tom, I understand the replacement we sent is the wrong size again, and I apologize for that. "
        "I can sort this out for you myself: I can send the right size today with express delivery, or "
        "refund the order. Which would you prefer? I will update you by tomorrow.",
        role="agent",
    ),
    good(
        "good_login",
        "login",
        "Hi Ana, thanks for explaining. I understand that you cannot log in and the password reset link "
        "does not work. I have sent a new reset link to the email address on your account.",
    ),
    good(
        "good_review",
        "review",
        "Hi Maria, thank you for taking the time to tell us about this. I apologize for the wait and for "
        "the trouble reaching us by phone. We would like to put it right: please contact us at "
        "stockholm@example.com so we can look into it personally. - Sam",
    ),
    good(
        "good_social_abuse",
        "social_abuse",
        "Hi Kim, thank you for letting us know about your parcel. I want to help, and I can do that best "
        "when we keep this respectful. I apologize for the wait. Please send us a message at "
        "support@example.com so we can trace it with you.",
    ),
    good(
        "good_legal",
        "legal",
        "Dear Oliver,\n\nI understand that your card was charged for an order you had cancelled, and I "
        "apologize for the worry this has caused. I have checked the order and can confirm the "
        "cancellation, so I can offer you a full refund of the charge. I will update you by Wednesday "
        "with the confirmation.\n\nKind regards,\nSam",
    ),
    good(
        "good_calm_question",
        "calm_question",
        "Hi Sofia, thank you for your message. Your replacement leaves our warehouse on Wednesday, and I "
        "will email you the tracking link by Thursday.",
    ),
    good(
        "good_vip",
        "vip_invoice",
        "Hi Henrik,\n\nI understand that you still do not have a corrected invoice, and that your accountant "
        "needs it today. I apologize for the slow reply. I will send you the corrected invoice with the "
        "right VAT number by the end of today.\n\nKind regards,\nAlex",
        role="lead",
    ),
    good(
        "good_no_context",
        None,
        "Thank you for your patience. I have checked your order and I will update you by Friday.",
    ),
    good(
        "good_final_warning",
        "final_warning",
        "Hi Chris,\n\nI understand that you are still waiting for the refund for your broken kettle. I want "
        "to resolve this for you, and I can only continue if our conversation stays respectful. I apologize "
        "for the delay. I can offer you the refund to your card or store credit, and I will confirm it by "
        "Wednesday.\n\nSam",
    ),
    # --- blame ----------------------------------------------------------------------------------
    bad(
        "blame_told_you",
        None,
        "As I already told you, the parcel left our warehouse on Friday.",
        "blame",
        "contradiction",
    ),
    bad(
        "blame_not_our_fault",
        "late_delivery",
        "Hi Jane, I understand your order #4411 has not arrived. It's not our fault, the courier lost it. "
        "I want to help, and I can do that best when we keep this conversation respectful. I apologize. "
        "I can offer a refund and will update you by Wednesday.",
        "blame",
        "missing_boundary no_option",
    ),
    bad(
        "blame_should_have",
        None,
        "You should have checked the size chart before ordering.",
        "blame",
    ),
    bad(
        "blame_courier",
        "damaged_sofa",
        "Hi Priya, I understand your sofa was delivered damaged. I apologize. That is the courier's fault, "
        "not ours. I can offer a replacement and will update you by Wednesday.",
        "blame",
        "no_option",
    ),
    bad("blame_per_my_last", None, "Per my last email, the refund has been processed.", "blame"),
    bad(
        "blame_conditional_apology",
        "double_charge",
        "Hi Marcus, I'm sorry you feel that way. I understand you were charged twice. I can refund the "
        "second payment by Thursday.",
        "blame",
    ),
    # --- contradiction ---------------------------------------------------------------------------
    bad(
        "contra_not_true",
        "late_delivery",
        "Hi Jane, that's not true, our records show the order was delivered. I want to help, and I can do "
        "that best when we keep this conversation respectful.",
        "contradiction",
        "blame",
    ),
    bad(
        "contra_wrong",
        None,
        "You're wrong about the price, it was always 49 euros.",
        "contradiction",
    ),
    bad(
        "contra_impossible",
        None,
        "That's impossible, our system never charges twice.",
        "contradiction",
    ),
    bad(
        "contra_never_happened",
        None,
        "I checked with the driver and that never happened.",
        "contradiction",
    ),
    # --- emotional reaction ---------------------------------------------------------------------
    bad(
        "emo_caps",
        None,
        "PLEASE READ MY PREVIOUS EMAIL before writing again.",
        "emotional_reaction",
    ),
    bad("emo_bangs", None, "We have already refunded you!!!", "emotional_reaction"),
    bad("emo_calm_down", None, "You need to calm down so I can help you.", "emotional_reaction"),
    bad("emo_sarcasm", None, "Well, good luck with that. If you say so.", "emotional_reaction"),
    bad(
        "emo_obviously",
        None,
        "Obviously the discount only applies to new orders.",
        "emotional_reaction",
    ),
    # --- apologies -------------------------------------------------------------------------------
    bad(
        "apology_missing",
        "double_charge",
        "Hi Marcus, I understand that you were charged twice for your subscription. I can refund the second "
        "payment and will confirm by Thursday.",
        "missing_apology",
        "over_apology blame",
    ),
    bad(
        "apology_over",
        "double_charge",
        "Hi Marcus, I apologize. I understand you were charged twice, and we apologize again for the "
        "mistake. My apologies. I can refund the second payment by Thursday.",
        "over_apology",
        "missing_apology",
    ),
    bad(
        "apology_wording",
        "double_charge",
        "Hi Marcus, I'm sorry that you were charged twice for your subscription. I understand how annoying "
        "that is. I can refund the second payment and will confirm by Thursday.",
        "apology_wording",
        "missing_apology over_apology",
    ),
    # --- acknowledgement and personal touch ---------------------------------------------------
    bad(
        "ack_missing",
        "damaged_sofa",
        "Hi Priya, I apologize for this. I can offer a replacement or a refund and I will update you by "
        "Wednesday.",
        "missing_acknowledgement impersonal",
        "blame no_option",
    ),
    bad(
        "impersonal_generic",
        "late_delivery",
        "Dear customer, thank you for your message. I understand your frustration and I apologize. I want "
        "to help, and I can do that best when we keep this conversation respectful. We offer refunds and "
        "will reply by Wednesday.",
        "impersonal",
        "missing_boundary missing_apology",
    ),
    bad(
        "impersonal_no_name",
        "login",
        "I understand that you cannot log in to your account. I have sent a new reset link.",
        "impersonal",
        "missing_acknowledgement",
    ),
    # --- options -------------------------------------------------------------------------------
    bad(
        "no_option_refund_wanted",
        "damaged_sofa",
        "Hi Priya, I understand that your sofa was delivered damaged, and I apologize. I have passed this to "
        "our delivery team and will update you by Wednesday.",
        "no_option",
        "missing_apology impersonal",
    ),
    bad(
        "no_option_habitual",
        "habitual",
        "Hi Dana, I understand the delivery was a day late. I apologize for that. I will update you by "
        "Thursday.",
        "no_option",
        "missing_apology",
    ),
    # --- times -----------------------------------------------------------------------------------
    bad("vague_soon", None, "I will get back to you soon.", "vague_time", "no_time"),
    bad("vague_asap", None, "We will process the return ASAP.", "vague_time", "emotional_reaction"),
    bad("vague_due_course", None, "You will hear from us in due course.", "vague_time"),
    bad("vague_few_days", None, "The refund will be processed in the next few days.", "vague_time"),
    bad(
        "no_time_commitment",
        None,
        "I will look into this and get back to you.",
        "no_time",
        "vague_time",
    ),
    bad(
        "no_time_required",
        "vip_invoice",
        "Hi Henrik, I understand you still do not have the corrected invoice. I apologize for the slow "
        "reply. The VAT number on the invoice needs to be changed by our finance team.",
        "no_time",
        "vague_time",
        role="lead",
    ),
    # --- unauthorized promises --------------------------------------------------------------------
    bad(
        "promise_refund_over_limit",
        None,
        "I will refund you €120 for the damaged item by Friday.",
        "unauthorized_promise",
        "vague_time no_time",
    ),
    bad(
        "promise_voucher_over_limit",
        None,
        "As an apology I have added a voucher worth 40 euros to your account.",
        "unauthorized_promise",
    ),
    bad(
        "promise_within_limit_lead",
        None,
        "I will refund you €120 for the damaged item by Friday.",
        "",
        "unauthorized_promise",
        role="lead",
    ),
    bad(
        "promise_time_too_short",
        "damaged_sofa",
        "Hi Priya, I understand your sofa was delivered damaged and I apologize. I can offer a replacement, "
        "and your new sofa will be delivered within 2 hours.",
        "unauthorized_promise",
        "no_option",
    ),
    bad(
        "promise_update_hour",
        "late_delivery",
        "Hi Jane, I understand your order #4411 has not arrived. I want to help, and I can do that best when "
        "we keep this conversation respectful. I apologize. I can offer a refund and I will call you "
        "within 10 minutes.",
        "unauthorized_promise",
    ),
    bad(
        "promise_habitual_limit",
        "habitual",
        "Hi Dana, I understand the delivery was a day late, and I apologize. I can offer a voucher of €10 "
        "for your next order, and I will send it by Thursday.",
        "unauthorized_promise",
        "no_option",
    ),
    # --- public replies ---------------------------------------------------------------------------
    bad(
        "public_order_number",
        "review",
        "Hi Maria, thank you for taking the time to tell us about this. I apologize for the wait on order "
        "#5521. Please contact us at stockholm@example.com so we can look into it.",
        "public_personal_data",
        "impersonal",
    ),
    bad(
        "public_full_name_phone",
        "review",
        "Hi Maria Gonzalez, thank you for your review. I apologize for the wait with your sofa. Please call "
        "us or we will call you on +46 70 123 45 67.",
        "public_personal_data",
    ),
    bad(
        "public_email",
        "social_abuse",
        "Hi Kim, thank you for letting us know about the parcel. I want to help, and I can do that best "
        "when we keep this respectful. I apologize for the wait. We have written to kim.berg@mail.com.",
        "public_personal_data",
        "missing_boundary",
    ),
    # --- boundary --------------------------------------------------------------------------------
    bad(
        "boundary_missing",
        "late_delivery",
        "Hi Jane, I understand that your order #4411 has not arrived and I apologize. I can offer a refund or "
        "a replacement, and I will update you by Wednesday.",
        "missing_boundary",
        "no_option impersonal",
    ),
    bad(
        "boundary_missing_public",
        "social_abuse",
        "Hi Kim, thank you for letting us know about your parcel. I apologize for the wait. Please message us "
        "at support@example.com.",
        "missing_boundary",
        "public_personal_data",
    ),
    bad(
        "boundary_missing_harm",
        "harm",
        "Hi Rob, I understand your refund has not come through. I apologize. I can offer the refund to your "
        "card and will update you by tomorrow.",
        "missing_boundary",
    ),
    # --- several at once (the issue's own example) -----------------------------------------------------
    bad("combo_issue_example", None, "As I already told you, it's not our fault.", "blame"),
    bad(
        "combo_everything",
        "late_delivery",
        "AS I ALREADY TOLD YOU, that's not true!!! We will get to it soon.",
        "blame contradiction emotional_reaction vague_time missing_boundary impersonal missing_apology",
    ),
]
