"""The demo's conversations, written by the project (fictional people and shops).

Long because it is data (one entry per demo conversation), not logic.

Each scenario: team, channel, customer, optional location/subject/rating,
`ago` (hours since the first message) and `turns`: ("in"|"out"|"note", text)
in order, a turn every `gap` hours. Mostly ordinary, some difficult, a few
hostile — the mix a real support team sees.
"""

from __future__ import annotations

TEAMS = [
    ("Orders & Delivery", "orders", "Europe/London"),
    ("Billing", "billing", "Europe/London"),
    ("Stores & Reputation", "stores", "Europe/London"),
]

LOCATIONS = [
    (
        "Harbour Street",
        "harbour-street",
        "stores",
        "harbour@demo.calmdesk.example",
        "+44 20 7946 0101",
    ),
    (
        "Riverside Mall",
        "riverside-mall",
        "stores",
        "riverside@demo.calmdesk.example",
        "+44 20 7946 0102",
    ),
    ("Northgate", "northgate", "stores", "northgate@demo.calmdesk.example", "+44 20 7946 0103"),
    ("Online shop", "online", "orders", "help@demo.calmdesk.example", "+44 20 7946 0100"),
]

# username, role, teams, display name
USERS = [
    ("alex", "agent", ["orders"], "Alex Rivera"),
    ("sam", "agent", ["billing"], "Sam Okafor"),
    ("jo", "agent", ["stores"], "Jo Lindqvist"),
    ("lee", "lead", ["orders", "billing"], "Lee Chen"),
    ("morgan", "manager", [], "Morgan Hale"),
    ("admin", "admin", [], "Admin"),
]
PASSWORD = "calmdesk-demo"  # noqa: S105 (the documented demo password)

S = dict  # a scenario

SCENARIOS = [
    # --- Orders & Delivery: hostile and difficult first -----------------------
    S(
        team="orders",
        channel="email",
        customer=dict(name="Dana Whitfield", email="dana.whitfield@example.com"),
        subject="Order #4411 STILL not here",
        ago=50,
        gap=22,
        turns=[
            (
                "in",
                "My order #4411 was promised for Monday and it has not arrived. I need it for my daughter's birthday on Saturday.",
            ),
            (
                "out",
                "Hi Dana, I understand order #4411 has not arrived as promised, and I apologize for the worry. I've asked the courier for a trace and will update you by tomorrow noon. Alex",
            ),
            (
                "in",
                "This is the THIRD time I'm writing. You people are useless and incompetent. Cancel my account or I post this everywhere and leave a one-star review!!! I want a refund TODAY.",
            ),
        ],
    ),
    S(
        team="orders",
        channel="chat",
        customer=dict(name="Marcus Bell", email="marcus.bell@example.net"),
        subject="Wrong item delivered",
        ago=5,
        gap=0.2,
        turns=[
            (
                "in",
                "I ordered the blue kettle and got a toaster. Second time this month you got my order wrong.",
            ),
            (
                "in",
                "Still waiting for someone to answer me. I want to speak to a manager right now.",
            ),
        ],
    ),
    S(
        team="orders",
        channel="email",
        customer=dict(name="Priya Natarajan", email="priya.n@example.org"),
        subject="Damaged parcel",
        ago=50,
        gap=6,
        turns=[
            (
                "in",
                "The parcel arrived crushed and the glass vase inside is broken. Very disappointed, it was a gift.",
            ),
            (
                "out",
                "Hi Priya, I'm sorry the vase arrived broken — that's a horrible thing to find in a gift. I can send a replacement today or refund you in full, whichever you prefer. I'll confirm by Thursday. Alex",
            ),
            ("in", "A replacement please, thank you for sorting it so fast."),
        ],
        status="resolved",
    ),
    S(
        team="orders",
        channel="sms",
        customer=dict(name="Tom Achebe", phone="+44 7700 900123"),
        ago=3,
        gap=0.5,
        turns=[
            ("in", "Hi, can I change the delivery address for order 5520 to my office?"),
        ],
    ),
    S(
        team="orders",
        channel="email",
        customer=dict(name="Helen Moss", email="helen.moss@example.com"),
        subject="Where is my refund?",
        ago=96,
        gap=48,
        turns=[
            (
                "in",
                "I returned the jacket two weeks ago and still no refund. If it is not in my account by Friday I will dispute the charge with my bank.",
            ),
            (
                "out",
                "Hi Helen, I understand you're still waiting for the refund on the jacket you returned. I apologize for the delay. The warehouse received it on the 3rd; the refund goes out today and reaches your account within 3 working days. Alex",
            ),
            (
                "in",
                "Nothing yet. This is ridiculous. I'm contacting my lawyer and filing a chargeback.",
            ),
        ],
    ),
    S(
        team="orders",
        channel="chat",
        customer=dict(name="Yusuf Demir", email="yusuf.demir@example.com"),
        subject="Delivery slot",
        ago=2,
        gap=0.1,
        turns=[
            ("in", "Is it possible to choose an evening delivery slot?"),
        ],
    ),
    S(
        team="orders",
        channel="email",
        customer=dict(name="Grace Liu", email="grace.liu@example.com"),
        subject="Thank you!",
        ago=20,
        gap=1,
        turns=[
            (
                "in",
                "Just wanted to say thank you to Alex, the replacement arrived this morning and it's perfect.",
            ),
        ],
        status="resolved",
    ),
    S(
        team="orders",
        channel="api",
        customer=dict(name="Oliver Grant", email="oliver.grant@example.com"),
        subject="Missing item",
        ago=10,
        gap=1,
        turns=[
            (
                "in",
                "My order came without the charging cable that's listed in the box contents. Could you send it?",
            ),
        ],
    ),
    S(
        team="orders",
        channel="email",
        customer=dict(name="Fatima Zahra", email="fatima.z@example.com"),
        subject="Late again",
        ago=7,
        gap=1,
        turns=[
            (
                "in",
                "Again my delivery is late. I'm so frustrated, I waited in all day yesterday and nobody came. Honestly I'm thinking of switching to another shop.",
            ),
        ],
    ),
    S(
        team="orders",
        channel="chat",
        customer=dict(name="Ben Carter", email="ben.carter@example.com"),
        subject="Tracking",
        ago=1,
        gap=0.1,
        turns=[
            ("in", "Hi! Where can I find the tracking number for my order?"),
        ],
    ),
    S(
        team="orders",
        channel="email",
        customer=dict(name="Ingrid Nilsen", email="ingrid.nilsen@example.com"),
        subject="Order cancelled by mistake?",
        ago=14,
        gap=2,
        turns=[
            (
                "in",
                "I got an email saying my order was cancelled but I did not cancel it. Can you check what happened? I still want the order.",
            ),
        ],
    ),
    S(
        team="orders",
        channel="sms",
        customer=dict(name="Kofi Mensah", phone="+44 7700 900456"),
        ago=26,
        gap=3,
        turns=[
            ("in", "Parcel left in the rain outside my door, box soaked. Not happy."),
            (
                "out",
                "Hi Kofi, I'm sorry your parcel was left out in the rain. Could you send a photo of the contents? If anything is damaged I'll replace it straight away. Alex",
            ),
            ("in", "Contents are fine luckily. Please tell the driver to use the porch."),
        ],
        status="resolved",
    ),
    S(
        team="orders",
        channel="email",
        customer=dict(name="Rachel Stein", email="rachel.stein@example.com"),
        subject="Urgent: wedding order",
        ago=4,
        gap=1,
        turns=[
            (
                "in",
                "URGENT. The table decorations for my wedding are not here and the wedding is tomorrow. I need this resolved immediately or it's ruined.",
            ),
        ],
    ),
    S(
        team="orders",
        channel="chat",
        customer=dict(name="Luis Ortega", email="luis.ortega@example.com"),
        subject="Size exchange",
        ago=8,
        gap=0.2,
        turns=[
            ("in", "Can I exchange these shoes for a size 43? They are a bit small."),
            (
                "out",
                "Hi Luis, of course. I've started the exchange for size 43; you'll get a free return label by email within the hour. Alex",
            ),
            ("in", "Great, thanks!"),
        ],
        status="resolved",
    ),
    S(
        team="orders",
        channel="email",
        customer=dict(name="Nadia Petrova", email="nadia.petrova@example.com"),
        subject="Oh great, another delay",
        ago=12,
        gap=1,
        turns=[
            (
                "in",
                "Oh great, another 'delivery exception'. Wonderful service as always. Thanks so much for ruining my weekend plans.",
            ),
        ],
    ),
    S(
        team="orders",
        channel="api",
        customer=dict(name="Chris Doyle", email="chris.doyle@example.com"),
        subject="Gift wrapping",
        ago=30,
        gap=1,
        turns=[
            ("in", "Do you offer gift wrapping for orders shipped to a different address?"),
        ],
    ),
    S(
        team="orders",
        channel="email",
        customer=dict(name="Dana Whitfield", email="dana.whitfield@example.com"),
        subject="Earlier order question",
        ago=900,
        gap=2,
        turns=[
            ("in", "Could you tell me if the garden lights come with batteries?"),
            ("out", "Hi Dana, yes — they come with 4 AA batteries. Alex"),
        ],
        status="closed",
    ),
    S(
        team="orders",
        channel="chat",
        customer=dict(name="Wei Zhang", email="wei.zhang@example.com"),
        subject="Can't apply voucher",
        ago=6,
        gap=0.3,
        turns=[
            (
                "in",
                "The voucher code from your newsletter doesn't work at checkout. It says expired but the email says valid until the 30th.",
            ),
        ],
    ),
    S(
        team="orders",
        channel="email",
        customer=dict(name="Agnes Murphy", email="agnes.murphy@example.com"),
        subject="Complaint about courier",
        ago=18,
        gap=1,
        turns=[
            (
                "in",
                "The courier was extremely rude to my elderly mother and threw the parcel over the gate. I expect an apology and I want to know what you will do about it.",
            ),
        ],
    ),
    S(
        team="orders",
        channel="sms",
        customer=dict(name="Sanjay Patel", phone="+44 7700 900789"),
        ago=9,
        gap=0.5,
        turns=[
            ("in", "Order arrived, all good. Cheers"),
        ],
        status="resolved",
    ),
    # --- Billing ---------------------------------------------------------------
    S(
        team="billing",
        channel="email",
        customer=dict(name="George Hammond", email="g.hammond@example.com"),
        subject="Charged twice",
        ago=6,
        gap=1,
        turns=[
            (
                "in",
                "You charged my card twice for the same order. Fix this now. If you don't refund the extra £89 today I'm reporting you to trading standards and my bank.",
            ),
        ],
    ),
    S(
        team="billing",
        channel="chat",
        customer=dict(name="Lena Fischer", email="lena.fischer@example.com"),
        subject="Invoice copy",
        ago=3,
        gap=0.1,
        turns=[
            ("in", "Could you send me a VAT invoice for order 7781? I need it for my expenses."),
        ],
    ),
    S(
        team="billing",
        channel="email",
        customer=dict(name="Martin Kowalski", email="martin.k@example.com"),
        subject="Subscription",
        ago=40,
        gap=4,
        turns=[
            (
                "in",
                "I want to cancel my subscription, I'm moving abroad. Nothing wrong with the service.",
            ),
            (
                "out",
                "Hi Martin, thanks for letting us know, and good luck with the move! I've cancelled the subscription from the next billing date; you'll get a confirmation email. Sam",
            ),
        ],
        status="resolved",
    ),
    S(
        team="billing",
        channel="email",
        customer=dict(name="Beatrice Alvarez", email="bea.alvarez@example.com"),
        subject="Hidden fees",
        ago=22,
        gap=3,
        turns=[
            (
                "in",
                "Why is there a £4.99 'service fee' on my bill that nobody told me about? I feel cheated.",
            ),
            (
                "out",
                "Hi Beatrice, I understand the fee came as a surprise and I apologize that it wasn't clear at checkout. I've waived it on this order; you'll see the credit within 3 working days. Sam",
            ),
            ("in", "OK, thank you. Please make it clearer for others."),
        ],
        status="resolved",
    ),
    S(
        team="billing",
        channel="chat",
        customer=dict(name="Derek Fox", email="derek.fox@example.com"),
        subject="Payment failed",
        ago=2,
        gap=0.1,
        turns=[
            (
                "in",
                "My payment keeps failing and the page just spins. I've tried three cards. This is the worst website I have ever used.",
            ),
        ],
    ),
    S(
        team="billing",
        channel="email",
        customer=dict(name="Harriet Cole", email="harriet.cole@example.com"),
        subject="Refund amount wrong",
        ago=28,
        gap=2,
        turns=[
            (
                "in",
                "I was refunded £20 but I paid £32 including delivery. Can you refund the delivery as well? The item was faulty.",
            ),
        ],
    ),
    S(
        team="billing",
        channel="api",
        customer=dict(name="Ivan Horvat", email="ivan.horvat@example.com"),
        subject="Direct debit date",
        ago=15,
        gap=1,
        turns=[
            ("in", "Can I move my direct debit to the 5th of the month?"),
        ],
    ),
    S(
        team="billing",
        channel="email",
        customer=dict(name="Victor Lang", email="victor.lang@example.com"),
        subject="you f***ing thieves",
        ago=5,
        gap=1,
        turns=[
            (
                "in",
                "You are a bunch of f***ing thieves. Stole my money again. Whoever reads this is a moron. I'll come down to your office and you'll regret it.",
            ),
        ],
    ),
    S(
        team="billing",
        channel="chat",
        customer=dict(name="Amira Haddad", email="amira.haddad@example.com"),
        subject="Promo price",
        ago=11,
        gap=0.5,
        turns=[
            (
                "in",
                "I bought the coffee machine yesterday and today it's £30 cheaper. Can you refund the difference?",
            ),
        ],
    ),
    S(
        team="billing",
        channel="email",
        customer=dict(name="Paul Jensen", email="paul.jensen@example.com"),
        subject="Account locked",
        ago=3,
        gap=1,
        turns=[
            (
                "in",
                "I'm locked out of my account after the password reset and I can't pay my bill which is due today. Please help asap.",
            ),
        ],
    ),
    S(
        team="billing",
        channel="sms",
        customer=dict(name="Elena Rossi", phone="+44 7700 900321"),
        ago=33,
        gap=2,
        turns=[
            ("in", "Thanks for the quick refund, much appreciated!"),
        ],
        status="resolved",
    ),
    S(
        team="billing",
        channel="email",
        customer=dict(name="Samuel Reed", email="samuel.reed@example.com"),
        subject="Overcharged for months",
        ago=60,
        gap=20,
        turns=[
            (
                "in",
                "I've been overcharged on my plan for three months. I have asked twice already. I'm not paying another penny until this is fixed.",
            ),
            (
                "out",
                "Hi Samuel, I understand you've been overcharged for three months and had to ask more than once — I apologize. I've found the error and refunded £36 today. Sam",
            ),
            ("in", "Thank you, finally. Appreciate you sorting it properly."),
        ],
        status="resolved",
    ),
    S(
        team="billing",
        channel="chat",
        customer=dict(name="Tara Quinn", email="tara.quinn@example.com"),
        subject="Gift card balance",
        ago=7,
        gap=0.2,
        turns=[
            ("in", "How do I check the balance on a gift card?"),
        ],
    ),
    S(
        team="billing",
        channel="email",
        customer=dict(name="Nora Blake", email="nora.blake@example.com"),
        subject="Chargeback warning",
        ago=16,
        gap=2,
        turns=[
            (
                "in",
                "If I don't hear back by tomorrow I'm asking my bank for a chargeback. I've been patient for two weeks and I'm fed up with being ignored.",
            ),
        ],
    ),
    S(
        team="billing",
        channel="api",
        customer=dict(name="Omar Farouk", email="omar.farouk@example.com"),
        subject="Student discount",
        ago=20,
        gap=1,
        turns=[
            ("in", "Do you have a student discount? I could not find it on the website."),
        ],
    ),
    # --- Stores & Reputation: reviews and social mentions ---------------------
    S(
        team="stores",
        channel="review",
        location="harbour-street",
        rating=1,
        customer=dict(name="Mike T.", review_name="Mike T."),
        subject="1★ review: Harbour Street",
        ago=80,
        gap=1,
        turns=[
            (
                "in",
                "Waited 40 minutes to be served and the staff member was rude when I asked. Never again. Avoid this store.",
            ),
        ],
    ),
    S(
        team="stores",
        channel="review",
        location="riverside-mall",
        rating=5,
        customer=dict(name="Sophie L.", review_name="Sophie L."),
        subject="5★ review: Riverside Mall",
        ago=30,
        gap=1,
        turns=[
            (
                "in",
                "Lovely staff, they helped me find the right size and even checked the other store for me.",
            ),
        ],
        status="resolved",
    ),
    S(
        team="stores",
        channel="review",
        location="northgate",
        rating=2,
        customer=dict(name="K. Brennan", review_name="K. Brennan"),
        subject="2★ review: Northgate",
        ago=20,
        gap=1,
        turns=[
            (
                "in",
                "Returns process is a joke. They sent me to the website, the website sent me back to the store.",
            ),
        ],
    ),
    S(
        team="stores",
        channel="social",
        location="harbour-street",
        customer=dict(name="@lucyloo", handle="twitter:@lucyloo"),
        subject="Mention on social",
        ago=4,
        gap=1,
        turns=[
            (
                "in",
                "@CalmdeskShop three weeks for a refund and counting. Going to tell everyone I know to shop elsewhere.",
            ),
        ],
    ),
    S(
        team="stores",
        channel="review",
        location="riverside-mall",
        rating=4,
        customer=dict(name="Ahmed R.", review_name="Ahmed R."),
        subject="4★ review: Riverside Mall",
        ago=50,
        gap=1,
        turns=[
            ("in", "Good selection, a bit crowded on Saturday but staff were friendly."),
        ],
        status="resolved",
    ),
    S(
        team="stores",
        channel="social",
        location="northgate",
        customer=dict(name="@dave_builds", handle="twitter:@dave_builds"),
        subject="Mention on social",
        ago=2,
        gap=1,
        turns=[
            (
                "in",
                "Shoutout to the Northgate team for sorting my warranty claim in 5 minutes. Great service!",
            ),
        ],
        status="resolved",
    ),
    S(
        team="stores",
        channel="review",
        location="harbour-street",
        rating=1,
        customer=dict(name="Janet P.", review_name="Janet P."),
        subject="1★ review: Harbour Street",
        ago=10,
        gap=1,
        turns=[
            (
                "in",
                "Manager refused my refund for a faulty blender, said it was my fault. I'm taking this to small claims court.",
            ),
        ],
    ),
    S(
        team="stores",
        channel="review",
        location="northgate",
        rating=3,
        customer=dict(name="Ravi S.", review_name="Ravi S."),
        subject="3★ review: Northgate",
        ago=70,
        gap=1,
        turns=[
            ("in", "Average. Prices fine, but the fitting rooms were closed."),
        ],
        status="resolved",
    ),
    S(
        team="stores",
        channel="email",
        location="riverside-mall",
        customer=dict(name="Claire Dubois", email="claire.dubois@example.com"),
        subject="Lost property",
        ago=12,
        gap=1,
        turns=[
            (
                "in",
                "I think I left my umbrella at the Riverside Mall store yesterday, a green one. Has anyone found it?",
            ),
        ],
    ),
    S(
        team="stores",
        channel="social",
        location="riverside-mall",
        customer=dict(name="@mara_k", handle="twitter:@mara_k"),
        subject="Mention on social",
        ago=6,
        gap=1,
        turns=[
            (
                "in",
                "Yeah right, 'we value your feedback' 🙄 still no answer after 2 weeks @CalmdeskShop",
            ),
        ],
    ),
    S(
        team="stores",
        channel="review",
        location="harbour-street",
        rating=2,
        customer=dict(name="Pete W.", review_name="Pete W."),
        subject="2★ review: Harbour Street",
        ago=36,
        gap=1,
        turns=[
            (
                "in",
                "Card machine broken again, cash only, nobody warned us at the door. Disappointing.",
            ),
        ],
    ),
    S(
        team="stores",
        channel="chat",
        location="northgate",
        customer=dict(name="Ella Brooks", email="ella.brooks@example.com"),
        subject="Opening hours",
        ago=1.5,
        gap=0.1,
        turns=[
            ("in", "Is the Northgate store open on bank holiday Monday?"),
        ],
    ),
    S(
        team="stores",
        channel="review",
        location="riverside-mall",
        rating=1,
        customer=dict(name="Gary H.", review_name="Gary H."),
        subject="1★ review: Riverside Mall",
        ago=3,
        gap=1,
        turns=[
            (
                "in",
                "Absolute clowns working here. The idiot at the till overcharged me and laughed. Disgusting.",
            ),
        ],
    ),
    S(
        team="stores",
        channel="social",
        location="harbour-street",
        customer=dict(name="@foodie_fran", handle="twitter:@foodie_fran"),
        subject="Mention on social",
        ago=44,
        gap=1,
        turns=[
            ("in", "New Harbour Street shop looks great, love the café corner!"),
        ],
        status="resolved",
    ),
    S(
        team="stores",
        channel="email",
        location="harbour-street",
        customer=dict(name="Mike Thornton", email="mike.thornton@example.com"),
        subject="My visit on Saturday",
        ago=60,
        gap=8,
        turns=[
            (
                "in",
                "I left a review about waiting 40 minutes at Harbour Street. Nobody from the store has contacted me.",
            ),
            (
                "out",
                "Hi Mike, thank you for writing to us directly. I understand you waited 40 minutes and felt brushed off when you asked for help — I apologize. I've shared this with the store manager, and I'd like to offer you a £10 voucher. I'll call you on Tuesday to follow up. Jo",
            ),
            ("in", "Thanks Jo, that's decent of you. Voucher received."),
        ],
        status="resolved",
    ),
    S(
        team="stores",
        channel="review",
        location="northgate",
        rating=5,
        customer=dict(name="Linda M.", review_name="Linda M."),
        subject="5★ review: Northgate",
        ago=100,
        gap=1,
        turns=[
            ("in", "Fantastic help with my returns, quick and friendly."),
        ],
        status="resolved",
    ),
    S(
        team="stores",
        channel="sms",
        location="riverside-mall",
        customer=dict(name="Zoe Adams", phone="+44 7700 900654"),
        ago=5,
        gap=0.5,
        turns=[
            ("in", "Is my click and collect order ready at Riverside? Ref 99812"),
        ],
    ),
    S(
        team="stores",
        channel="chat",
        location="harbour-street",
        customer=dict(name="Hugo Martin", email="hugo.martin@example.com"),
        subject="Price match",
        ago=9,
        gap=0.2,
        turns=[
            ("in", "Do you price match? The same TV is £50 cheaper online at another shop."),
        ],
    ),
    S(
        team="stores",
        channel="review",
        location="harbour-street",
        rating=1,
        customer=dict(name="Sandra K.", review_name="Sandra K."),
        subject="1★ review: Harbour Street",
        ago=130,
        gap=1,
        turns=[
            (
                "in",
                "Bought a faulty phone charger, store would not exchange it without the box. Ridiculous policy, lost a loyal customer.",
            ),
        ],
    ),
    S(
        team="stores",
        channel="social",
        location="northgate",
        customer=dict(name="@ben_r", handle="twitter:@ben_r"),
        subject="Mention on social",
        ago=7,
        gap=1,
        turns=[
            ("in", "@CalmdeskShop is your website down? Can't log in for the last hour"),
        ],
    ),
    S(
        team="stores",
        channel="email",
        location="northgate",
        customer=dict(name="Irene Walsh", email="irene.walsh@example.com"),
        subject="Accessibility",
        ago=25,
        gap=1,
        turns=[
            (
                "in",
                "The ramp at the Northgate entrance was blocked by delivery cages again. My wheelchair could not get in. Please sort this out.",
            ),
        ],
    ),
    S(
        team="stores",
        channel="review",
        location="riverside-mall",
        rating=2,
        customer=dict(name="Tom B.", review_name="Tom B."),
        subject="2★ review: Riverside Mall",
        ago=15,
        gap=1,
        turns=[
            (
                "in",
                "Queue was huge and only one till open. Staff were trying their best but it's a management problem.",
            ),
        ],
    ),
    S(
        team="stores",
        channel="chat",
        location="riverside-mall",
        customer=dict(name="Maya Singh", email="maya.singh@example.com"),
        subject="Loyalty points",
        ago=4,
        gap=0.2,
        turns=[
            ("in", "My loyalty points from last week's purchase haven't shown up."),
        ],
    ),
    S(
        team="stores",
        channel="email",
        location="harbour-street",
        customer=dict(name="Arthur Penn", email="arthur.penn@example.com"),
        subject="Complaint",
        ago=70,
        gap=10,
        turns=[
            (
                "in",
                "Fourth complaint this year. I want compensation for the inconvenience, again. Last time you gave me £50 and I expect at least the same.",
            ),
            (
                "note",
                "Fourth compensation request this year; previous vouchers £25, £40, £50. Check with Lee before offering anything.",
            ),
        ],
    ),
    S(
        team="stores",
        channel="sms",
        location="northgate",
        customer=dict(name="Beth Cooper", phone="+44 7700 900987"),
        ago=8,
        gap=0.5,
        turns=[
            ("in", "Thank you for holding the dress for me, I'll be in at 5."),
        ],
        status="resolved",
    ),
]
