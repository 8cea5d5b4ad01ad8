"""Write src/nb_feedback/data/sample_prompts.jsonl from the prompts below.

Every prompt here was written for nb_feedback by its authors (CC0-1.0); none is copied from an
existing dataset. The script only stores them, tags each with its topic, adds two realistic
near-duplicates (a prompt pasted twice with different case or whitespace) and shuffles with a
fixed seed, so the output is byte-for-byte reproducible:

    python scripts/make_sample_prompts.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from textwrap import dedent

SOURCE = "nb_feedback authors"
OUT = (
    Path(__file__).resolve().parent.parent / "src" / "nb_feedback" / "data" / "sample_prompts.jsonl"
)


def block(text: str) -> str:
    """Dedent a triple-quoted prompt and strip the surrounding blank lines."""
    return dedent(text).strip("\n")


PROMPTS: dict[str, list[str]] = {
    "coding": [
        "Reverse a linked list in Python.",
        "What's the difference between a list and a tuple in Python, and when should I use each?",
        "Write a bash one-liner that finds the 10 largest files under the current directory.",
        "Explain what a Python generator is to someone who only knows for loops.",
        "How do I undo my last git commit but keep the changes in my working tree?",
        "Write a SQL query that returns, for each customer, their most recent order and its total.",
        "Why does `0.1 + 0.2 == 0.3` return False in Python? How should I compare floats instead?",
        "Write a function that checks whether a string is a valid IPv4 address, without using "
        "regex.",
        "I keep getting `ModuleNotFoundError: No module named 'src'` when I run pytest from the "
        "repo root. My tests import `from src.utils import clean`. What is the right way to lay "
        "out the project so this works both in tests and when installed?",
        "Explain the difference between `__str__` and `__repr__` with a short example class.",
        "Convert this callback-style JavaScript to async/await: "
        "`fs.readFile('a.txt', (err, data) => { if (err) throw err; console.log(data); });`",
        "What does the `-x` flag do in `set -euxo pipefail`, and why do people put that line at "
        "the top of shell scripts?",
        "Write a Python decorator that retries a function up to 3 times with exponential backoff "
        "when it raises a ConnectionError.",
        "regex to match an email address, good enough for a signup form",
        "How do I read a 20 GB CSV file in Python without running out of memory?",
        "Explain Big-O notation using examples from everyday life, then give the complexity of "
        "binary search and of bubble sort.",
        "Write a Dockerfile for a small FastAPI app that uses uv to install dependencies and runs "
        "as a non-root user.",
        "My React component re-renders every time the parent renders even though its props "
        "don't change. What are the usual causes and how do I confirm which one it is?",
        "Implement an LRU cache class in Python with get and put in O(1), without using "
        "functools.lru_cache or OrderedDict.",
        "What is a race condition? Give a minimal Python example with threads that shows one and "
        "then fix it.",
        block("""
            I have this function and mypy complains about it. Why, and how do I fix it without
            using `Any`?

            ```python
            def first(items: list[int] | None) -> int:
                if not items:
                    return None
                return items[0]
            ```
            """),
        block("""
            Review this code for bugs and style. It's supposed to count word frequencies in a file.

            ```python
            def count_words(path):
                counts = {}
                for line in open(path):
                    for w in line.split(" "):
                        counts[w] = counts.get(w) + 1
                return sorted(counts, key=counts.get)[:10]
            ```
            """),
        block("""
            We have a Flask service that started timing out after we moved it into Kubernetes.
            Locally every request finishes in under 100 ms. In the cluster about one request in
            twenty takes exactly 5 seconds, then succeeds. CPU and memory are nowhere near their
            limits and the database metrics look flat.

            The app calls two other internal services over HTTP using `requests`, and it resolves
            them by their service names. We run gunicorn with 4 sync workers.

            What would you check first, in what order, and what would each result tell us? I
            suspect DNS but I don't know how to prove it.
            """),
        "Write a Python script that renames all the photos in a folder to their EXIF date, like "
        "2023-07-14_18-02-55.jpg, and skips files that have no EXIF date.",
        "Explain what 'dependency injection' means without using the word 'dependency'.",
        "What are Python's rules for default mutable arguments, and why does `def f(x=[])` "
        "surprise people?",
        "How do I write a unit test for a function that calls `datetime.now()`?",
        "Give me a git workflow for a team of three that's simpler than git-flow.",
    ],
    "data-analysis": [
        "How do I pivot a pandas DataFrame from long to wide format?",
        "Explain the difference between mean, median and mode, and when the median is the better "
        "summary.",
        "What's a good way to detect outliers in a column of house prices?",
        "I have daily sales for three years. How should I check for weekly and yearly seasonality "
        "before building a forecast?",
        "Write pandas code to compute a 7-day rolling average of `revenue`, grouped by `store_id`.",
        "My A/B test shows a 2% lift in conversion with p = 0.04, but we peeked at the results "
        "every day. Is the result still valid?",
        "What's the difference between correlation and causation? Give a real-world example where "
        "confusing them leads to a bad decision.",
        "How many samples do I need per group to detect a 5% difference in click-through rate "
        "with 80% power?",
        "Explain a confusion matrix to a product manager, using a spam filter as the example.",
        "Why is accuracy a bad metric for a dataset where only 1% of transactions are fraud? "
        "What should I report instead?",
        "Write a SQL query that computes monthly active users from an events table "
        "(user_id, event_time).",
        "How should I handle missing values in a dataset where 30% of the ages are blank?",
        "What chart would you use to show how the share of each product category changed over "
        "five years, and why not a pie chart?",
        "Explain what a p-value is without saying 'probability that the null hypothesis is true'.",
        "Merge two DataFrames on customer id but keep the rows from the left one that have no "
        "match, and flag them.",
        "What's Simpson's paradox? Show it with a small made-up table.",
        block("""
            Here's a sample of my data. What's the quickest way to find which region has the
            highest average order value, and is the difference meaningful?

            | order_id | region | value |
            |---------:|--------|------:|
            | 1        | North  | 120.5 |
            | 2        | South  |  80.0 |
            | 3        | North  | 95.25 |
            | 4        | East   | 210.0 |
            | 5        | South  | 60.75 |
            """),
        block("""
            I'm analysing customer churn for a subscription app. I have:

            - signup date, plan, country
            - monthly usage minutes for each month they were active
            - cancellation date (blank if still active)

            Which analysis should I start with, and how do I avoid survivorship bias when I
            compare long-time customers with recent ones?
            """),
        "Explain bootstrapping to me like I'm a biologist who took one stats course ten years ago.",
        "Turn a column of messy dates like '3/4/21', '2021-04-03' and 'April 3rd 2021' into "
        "proper datetimes in pandas.",
        "When should I log-transform a variable before fitting a linear regression?",
        "Is it OK to use a t-test on data that isn't normally distributed?",
        "cohort retention table in pandas",
        "Explain the difference between L1 and L2 regularisation, and when I'd pick each.",
        "I have 200 features and 5,000 rows. How do I choose which features to keep without "
        "leaking information from the test set?",
        block("""
            Our dashboard says average session length went up 15% last month, and the team wants
            to celebrate. But we also changed how sessions are counted: a session now ends after
            30 minutes of inactivity instead of 10. Before we present this to leadership, how do
            I figure out how much of the increase is real and how much is the definition change?

            I have the raw event logs for both months, so I can recompute anything.
            """),
        "What's the difference between a data warehouse and a data lake, in plain terms?",
        "Write a function that bins ages into 0-17, 18-34, 35-54, 55+ and counts people per bin.",
    ],
    "writing": [
        "Write a polite email declining a meeting invitation.",
        "Rewrite this sentence to be more concise: 'At this point in time we are not in a "
        "position to be able to make a decision regarding the matter.'",
        "Give me five titles for a blog post about learning to code after 40.",
        "Write a short bedtime story about a lighthouse keeper and a lost seagull, for a "
        "five-year-old.",
        "Help me write a cover letter for a junior data analyst job. I have a biology degree and "
        "taught myself SQL and Python over the past year.",
        "What's the difference between 'affect' and 'effect'? Give me a trick to remember it.",
        "Write a haiku about the first cold morning of autumn.",
        "Turn these notes into a friendly paragraph for our team newsletter: new coffee machine "
        "on 3rd floor, old one broken, please descale weekly, thanks to Priya for organising.",
        "Write a toast for my sister's wedding. She's a marine biologist, he's a pastry chef, "
        "they met on a ferry. Keep it under two minutes and a little funny.",
        "Proofread: 'Their going to announce the results tomorow, weather or not the comittee "
        "agrees.'",
        "Write the opening paragraph of a mystery novel set in a small bakery.",
        "How do I write a good README for an open-source Python library?",
        "Write a LinkedIn post announcing that I'm leaving my job to start a bakery, without "
        "sounding cheesy.",
        "Explain the Oxford comma and give an example where leaving it out changes the meaning.",
        "Summarise the plot of Romeo and Juliet in three sentences for a ten-year-old.",
        "Write a product description for a handmade ceramic mug, about 80 words, warm but not "
        "over the top.",
        "Rewrite this in a more formal tone: 'hey, the report's gonna be late cause the data "
        "came in broken, sorry!'",
        "Give me feedback on the structure of my essay: intro about climate anxiety, three "
        "body paragraphs on personal, community and policy responses, and a conclusion that "
        "circles back to my grandmother's garden.",
        block("""
            I'm writing a talk for a local meetup, 20 minutes, on 'what I learned moving our
            team from spreadsheets to a real database'. Here is my outline:

            1. Why spreadsheets worked for us at first
            2. The day the inventory sheet got corrupted
            3. Picking Postgres
            4. What went wrong in the migration
            5. What I'd do differently

            Is this a good arc? What should I cut to fit 20 minutes, and where should the story
            about the corrupted sheet go for the most impact?
            """),
        block("""
            Please edit this paragraph for clarity. Keep my voice; don't make it sound corporate.

            So basically what happened was that we had thought the new process would save us
            time, which it did in some ways, but in other ways it actually made things slower
            because everybody had to learn the new tool and also the old tool was still being
            used by the finance team so we ended up doing things twice for about three months,
            which nobody was happy about, but in the end it was worth it I think.
            """),
        "Écris un court poème sur la pluie à Paris, en français, avec des rimes simples.",
        "Write an apology message to a customer whose order arrived two weeks late. Offer a 15% "
        "discount code.",
        "What are some good ways to start a speech that aren't a joke or a dictionary definition?",
        "Write a limerick about a cat who learns to use a laptop.",
        "Make this sentence less passive: 'Mistakes were made in the preparation of the budget.'",
        block("""
            I'm a non-native English speaker writing my first academic paper. My supervisor
            keeps marking my sentences as 'too long' but I don't understand the rule. Here is
            one example:

            'In this study, which was conducted over a period of two years in three different
            hospitals located in the north of the country, we investigated the relationship
            between the length of stay of patients and the number of nurses available per shift,
            taking into account the age and the severity of the illness of the patients.'

            Can you show me how you would split it, and explain the principle so I can do it
            myself next time?
            """),
        "Write a two-line reply to a colleague who thanked me for covering their shift.",
    ],
    "math": [
        "What is the derivative of x^2 * sin(x)?",
        "Explain why the square root of 2 is irrational.",
        "A train leaves at 2 pm going 80 km/h; another leaves the same station at 3 pm going "
        "100 km/h in the same direction. When does the second catch up?",
        "What is the probability of getting at least one six in four rolls of a fair die?",
        "Explain eigenvalues and eigenvectors with a picture I can imagine, not a formula.",
        "Solve for x: 3(x - 4) + 2 = 5x - 10.",
        "Why is dividing by zero undefined? My kid asked and I didn't have a good answer.",
        "Prove that the sum of the first n odd numbers is n squared.",
        "What's the difference between permutations and combinations? Give an example of each "
        "with a pizza menu.",
        "Explain the Monty Hall problem, and why switching doors wins two thirds of the time.",
        "How does compound interest work? If I save 200 a month at 5% a year, how much do I have "
        "after 10 years?",
        "What is a Fourier transform, intuitively?",
        "Integrate 1/(x^2 + 1) from 0 to 1 and explain each step.",
        "Is 0.999... really equal to 1? Give me two different arguments.",
        "Explain Bayes' theorem with a medical test example: 1% prevalence, 95% sensitivity, "
        "90% specificity.",
        "What is a group in abstract algebra? Use the rotations of a square as the example.",
        "Find the area of a triangle with sides 7, 8 and 9.",
        "Why does the birthday paradox work? How many people do you need for a 50% chance that "
        "two share a birthday?",
        "Explain what a matrix determinant tells you geometrically.",
        "how many ways to arrange the letters of MISSISSIPPI",
        block("""
            Check my proof, please. Claim: for every integer n ≥ 1, 6 divides n³ − n.

            Proof: n³ − n = (n − 1) · n · (n + 1). These are three consecutive integers, so
            one of them is even and one of them is divisible by 3. Therefore the product is
            divisible by 6. ∎

            Is this rigorous enough for a first-year course, or is something missing?
            """),
        "What's the intuition behind the central limit theorem?",
        "Convert 0.3125 to a fraction and to binary.",
        "Explain Big-O vs Big-Theta vs Big-Omega with one example that has all three.",
        "A rectangle's length is twice its width and its perimeter is 36 cm. What's its area?",
        block("""
            I'm studying for a linear algebra exam and I keep mixing up these:

            - **rank** of a matrix
            - **dimension** of the null space
            - **number of pivots**

            How are they related? A small worked 3×3 example would help a lot.
            """),
        "Explain why e shows up in continuous growth problems.",
    ],
    "science": [
        "Why is the sky blue?",
        "How do vaccines train the immune system? Explain it for a curious twelve-year-old.",
        "What causes the seasons? Many people think it's the distance to the Sun; why is that "
        "wrong?",
        "Explain how CRISPR gene editing works in simple terms.",
        "What's the difference between weather and climate?",
        "Why do we have leap years, and why is 1900 not one but 2000 was?",
        "How does a refrigerator move heat from the inside to the outside?",
        "Explain entropy without using the word 'disorder'.",
        "Why does ice float when almost every other solid sinks in its own liquid?",
        "What are black holes made of, and can anything escape them?",
        "How do plants know which way is up?",
        "Explain the difference between nuclear fission and fusion, and why fusion is so hard to "
        "do on Earth.",
        "Why do onions make you cry, and does cutting them under water really help?",
        "What is quantum entanglement, and does it allow faster-than-light communication?",
        "How do noise-cancelling headphones work?",
        "Why can't we see stars during the day?",
        "What's the evidence that the Earth's core is partly liquid?",
        "Explain how mRNA is translated into a protein, step by step.",
        "Why do cats always land on their feet? Doesn't that violate conservation of angular "
        "momentum?",
        "What's the difference between a virus and a bacterium, and why don't antibiotics work "
        "on colds?",
        block("""
            My daughter (9) asked me three questions at dinner and I couldn't answer any of them
            well:

            1. Why is the Moon sometimes visible during the day?
            2. Why does it look bigger near the horizon?
            3. If the Moon has no light of its own, why is it so bright?

            Could you give me short answers I can tell her, and one simple experiment we could do
            at home for any of them?
            """),
        "How do scientists date a fossil that is 65 million years old?",
        "Why does a spoon look bent in a glass of water?",
        "What is dark matter, and what makes scientists think it exists if we can't see it?",
        "Explain how a transistor works to someone who knows what electricity is but nothing "
        "about semiconductors.",
        "What would happen if the Moon suddenly disappeared?",
        "Why are some people's ears more sensitive to high-pitched sounds than others'?",
        "¿Por qué el agua del mar es salada y la de los ríos no? Explícalo de forma sencilla.",
    ],
    "cooking": [
        "How do I make a basic sourdough starter from scratch?",
        "What can I cook with chickpeas, spinach and a can of tomatoes?",
        "Why does my risotto always come out gluey?",
        "Give me a simple weeknight dinner for four that takes under 30 minutes and has no meat.",
        "What's the difference between baking soda and baking powder? Can I swap one for the "
        "other?",
        "How long should I rest a steak after cooking, and why?",
        "Convert this recipe from cups to grams: 2 cups flour, 1 cup sugar, 1/2 cup butter.",
        "My bread didn't rise. The yeast was new, the kitchen was about 18°C. What went wrong?",
        "How do I make a vinaigrette that doesn't separate after five minutes?",
        "Suggest a menu for a dinner party with one vegan guest and one guest who can't eat "
        "gluten, so that everyone eats the same dishes.",
        "What's the best way to cook rice on the stove without it sticking?",
        "Explain the Maillard reaction and how I can use it to get a better crust on roasted "
        "vegetables.",
        "How do I keep cut avocado from turning brown?",
        "Is it safe to leave cooked rice out overnight?",
        "Give me a recipe for crêpes, sweet version, for about 12 crêpes.",
        "I have leftover roast chicken. Three ideas that don't taste like leftovers?",
        block("""
            Scale this recipe from 4 servings to 10 and convert it to metric:

            | ingredient | amount |
            |------------|--------|
            | flour      | 2 cups |
            | milk       | 1 ¼ cups |
            | eggs       | 2 |
            | butter     | 3 tbsp |
            | salt       | ½ tsp |

            Anything that doesn't scale linearly (like eggs or baking time) I should watch for?
            """),
        "How do you make proper Neapolitan pizza dough at home without a pizza oven?",
        "What spices go well with roasted cauliflower?",
        "Why do recipes say to salt pasta water? How much salt, really?",
        "How can I make my chili less spicy after I've already added too much cayenne?",
        "Plan a week of lunches I can prep on Sunday, high protein, no fish, under 600 kcal each.",
        block("""
            I'm cooking Thanksgiving dinner for the first time, for 12 people, in a small kitchen
            with one oven. The menu: a 7 kg turkey, stuffing, mashed potatoes, green beans, gravy,
            cranberry sauce, two pies. Dinner should be on the table at 5 pm.

            Can you write me a timeline, starting the day before, that makes sure the oven is
            never needed for two things at once? Tell me which dishes can be made ahead and how
            to reheat them without drying them out.
            """),
        "What's the difference between a frittata and a quiche?",
        "Recette de la pâte brisée sans robot, pour une tarte de 26 cm ?",
        "How do I know when oil is hot enough for deep frying if I don't have a thermometer?",
        "Make me a shopping list for a vegetarian lasagne for six people.",
    ],
    "travel": [
        "Plan a 3-day itinerary for Lisbon on a budget.",
        "What should I pack for a week of hiking in the Scottish Highlands in May?",
        "Is it better to exchange money before travelling to Japan or withdraw cash there?",
        "I have a 9-hour layover in Istanbul. Is it worth leaving the airport?",
        "Suggest a two-week route through Vietnam from north to south, with train legs where "
        "possible.",
        "How do I avoid jet lag when flying from New York to Tokyo?",
        "What are some good day trips from Barcelona by public transport?",
        "Write a polite message to an Airbnb host asking whether we can check in two hours early.",
        "How much should I tip in restaurants in the US, Germany and Japan?",
        "What's the best time of year to see the northern lights in Norway, and where?",
        "We're travelling with a toddler and a stroller. Which European cities are the easiest "
        "to get around?",
        "Plan a road trip from San Francisco to Los Angeles along the coast, 4 days, with "
        "overnight stops.",
        "What documents do I need to rent a car in Italy with a Canadian licence?",
        "Give me a packing checklist for a beach holiday with two kids.",
        "What are the unwritten rules of riding the Tokyo subway?",
        "How can I travel through Europe by train as a vegetarian on a tight budget?",
        block("""
            Compare these options for getting from London to Edinburgh:

            - train (LNER)
            - flight from Gatwick
            - overnight sleeper train
            - driving

            Consider total door-to-door time, cost for two adults, and carbon footprint. A table
            would be great.
            """),
        "I'm visiting Morocco alone as a woman. Any practical tips for Marrakech?",
        "what to do in Reykjavik in winter when its dark all day",
        "Traduce al español: 'Where is the nearest pharmacy, and is it open on Sunday?'",
        "What should I know before hiking the Inca Trail to Machu Picchu?",
        "Find me a 5-day itinerary in Kyoto that avoids the biggest crowds.",
        "Help me say in Arabic: 'We would like a table for four, please.' The Arabic I have "
        "is «نريد طاولة لأربعة أشخاص من فضلك», is that right and natural?",
        block("""
            My partner and I have 10 days in late September and about 2,500 euros for everything
            except flights. We like walking, food markets and small towns more than big museums,
            and we don't drive. We're flying into Lyon.

            Could you suggest a route through France (or into Switzerland or Italy if it makes
            sense) that uses trains and buses, with 2 or 3 bases rather than moving every night?
            For each base, give one thing we shouldn't miss and a rough daily budget.
            """),
        "Is travel insurance worth it for a short trip inside the EU?",
        "Plan a rainy day in Amsterdam for two adults who have already seen the Rijksmuseum.",
        "Which vaccinations are usually recommended for a trip to Kenya? I'll ask my doctor too.",
    ],
    "health": [
        "How much water should I actually drink per day?",
        "What are some simple stretches for lower back pain after sitting all day?",
        "Is it better to work out in the morning or in the evening?",
        "Explain the difference between a cold and the flu.",
        "How can I improve my sleep if I keep waking up at 3 am?",
        "What's a beginner running plan to get from zero to 5 km in eight weeks?",
        "Are eggs bad for cholesterol? I keep reading opposite things.",
        "What should be in a basic first-aid kit for a family with young kids?",
        "How do I know if I'm overtraining?",
        "What's the evidence for intermittent fasting for weight loss?",
        "Give me a 20-minute bodyweight workout I can do in a hotel room.",
        "What's the difference between a food allergy and a food intolerance?",
        "How does caffeine affect sleep, and how late in the day is too late for coffee?",
        "Explain what blood pressure numbers mean, like 120/80.",
        "What are some evidence-based ways to manage stress at work?",
        "How can I tell if a health article online is trustworthy?",
        "My knees hurt when I go down stairs but not up. What kind of doctor should I see?",
        "What are good sources of iron for someone who doesn't eat meat?",
        "Write a friendly reminder message to my elderly father to take his evening medication.",
        block("""
            I want to start strength training but I've never been to a gym. I'm 45, a bit
            overweight, no injuries. I can go three times a week for about 45 minutes.

            Please suggest:
            - a simple plan for the first 4 weeks
            - how to know which weight to pick
            - what to do on days I'm sore

            Keep it realistic; I don't want to quit after two weeks.
            """),
        "Is it normal to feel dizzy when I stand up quickly?",
        "How many steps a day do you really need to be healthy?",
        "What's the best way to remember to take a pill every day?",
        "Explain how sunscreen SPF works. Is SPF 50 twice as good as SPF 25?",
        "How do I help a friend who is having a panic attack?",
        "Write a short script I can use to do a 5-minute breathing exercise before meetings. 🧘",
    ],
    "business": [
        "Write a one-paragraph elevator pitch for a meal-planning app for busy parents.",
        "What's the difference between revenue, profit and cash flow?",
        "How should I price a freelance data analysis project that will take about three weeks?",
        "Draft an agenda for a 30-minute weekly team meeting that people won't dread.",
        "Explain what a SWOT analysis is and do one for a small neighbourhood bookstore.",
        "How do I give negative feedback to an employee who is also a friend?",
        "What metrics should an early-stage SaaS startup track?",
        "Write a job posting for a part-time social media manager at a yoga studio.",
        "What's the difference between an LLC and a sole proprietorship in the US?",
        "How do I calculate customer lifetime value? Show a simple example.",
        "Explain 'product-market fit' and how you know when you have it.",
        "Write a follow-up email to a client who hasn't paid an invoice that's 30 days overdue.",
        "How do I run a good retrospective after a project that went badly?",
        "Give me ten questions to ask in a job interview for a senior engineer.",
        "What is a cap table, and what happens to it when a startup raises a seed round?",
        "How should a small team decide between building a feature and buying a SaaS tool?",
        block("""
            Our café has these monthly numbers:

            | item            | amount (€) |
            |-----------------|-----------:|
            | revenue         | 38,000     |
            | ingredients     | 11,500     |
            | staff           | 15,000     |
            | rent            |  4,200     |
            | utilities       |  1,100     |
            | other           |  2,300     |

            What's our margin, and which two levers would you look at first to improve it?
            """),
        "Summarise the main points of a good OKR, and give two good and two bad examples.",
        "How do I politely say no to a client who keeps adding scope without paying more?",
        "Write a short announcement telling customers that prices go up 8% next month, and why.",
        "What's the difference between marketing and sales, in a small B2B company?",
        block("""
            I'm a team lead and two of my senior engineers disagree about whether we should
            rewrite our billing service. One says the code is unmaintainable and slowing every
            feature down; the other says a rewrite is a huge risk and we should refactor piece by
            piece. Both have good points and the discussion is getting personal.

            How do I run a decision process that's fair to both, gets us to a decision in two
            weeks, and doesn't leave one of them feeling steamrolled? What information should I
            ask each of them to bring?
            """),
        "Write a thank-you note to a mentor who helped me get promoted.",
        "What are the pros and cons of a four-day work week for a 20-person company?",
        "Explain break-even analysis with an example of a food truck.",
        "Give me a checklist for onboarding a new remote employee in their first week. 🚀",
    ],
    "history": [
        "Why did the Roman Empire fall?",
        "Summarise the causes of World War I in five bullet points.",
        "What was the significance of the printing press in Europe?",
        "Who was Ada Lovelace and why is she called the first programmer?",
        "Explain the Cuban Missile Crisis in simple terms.",
        "What was daily life like for a peasant in 13th-century France?",
        "How did the Silk Road affect the spread of ideas, not just goods?",
        "Why did the Berlin Wall fall in 1989?",
        "Compare the American and French revolutions: causes, goals and outcomes.",
        "What was the Meiji Restoration and how did it change Japan?",
        "Who built the pyramids of Giza, and how do we know it wasn't slaves?",
        "Explain the significance of the Magna Carta for someone who has never heard of it.",
        "What happened to the Library of Alexandria? Is the famous fire story true?",
        "Why is 1066 such an important date in English history?",
        "How did the Black Death change European society and the economy?",
        "What was the Green Revolution in agriculture, and what were its downsides?",
        "Write a short timeline of the space race from Sputnik to Apollo 11.",
        "What were the main achievements of the Abbasid Caliphate's House of Wisdom?",
        "How did women's roles change in Britain during and after World War II?",
        block("""
            I'm preparing a 10-minute talk for high-school students on the Industrial
            Revolution. I want to cover:

            1. **why it started in Britain**
            2. **what changed in people's daily lives**
            3. **one surprising fact** they'll remember

            Could you give me three points for each, with dates, and a suggestion for an opening
            question to get them talking?
            """),
        "Who was Mansa Musa, and why is he often called the richest person in history?",
        "What caused the collapse of the Bronze Age civilisations around 1177 BC?",
        "How accurate is the movie 'Gladiator' about ancient Rome?",
        "Explain the partition of India in 1947 and why it was so violent.",
        "Was Napoleon actually short?",
        block("""
            My grandfather left a box of letters written in German between 1938 and 1946. Some
            words I can't find in a modern dictionary, like 'Volksempfänger' and
            'Lebensmittelkarte'. I'd like to understand the context before I read them all.

            What was everyday life like for an ordinary family in a small town in southern
            Germany in those years? What should I know about rationing, censorship of letters and
            what happened right after the war, so the letters make sense to me?
            """),
    ],
}

# A long prompt or two per topic where it's natural: several paragraphs of real context, the way
# people paste a whole situation in. Kept separate so the lengths are easy to see at a glance.
LONG: dict[str, list[str]] = {
    "science": [
        block("""
            I teach physics at a secondary school and I want to build a one-week project around
            measuring the speed of sound with cheap equipment. The students are 15 and 16, we
            have a budget of about 150 euros for the whole class of 28, and every student has a
            phone. We have a school courtyard about 60 metres long, a long corridor, and the
            usual lab stuff: metre sticks, stopwatches, a few tuning forks, some plastic tubes.

            My idea is to let groups choose between three methods: the echo method in the
            courtyard with two wooden blocks, a resonance tube with a tuning fork, and two
            phones recording the same clap at different distances and comparing the timestamps
            in a free audio app. I'd like each group to estimate their uncertainty honestly and
            then compare methods on the last day.

            Could you help me with: what accuracy is realistic for each method with this
            equipment; the main sources of error the students should find themselves (and a hint
            I can give if they're stuck); how temperature affects the result and whether it's
            worth measuring it; and a simple way to combine the class's results at the end that
            teaches something about uncertainty without needing statistics they haven't learnt.

            I'd also welcome a safety note for the courtyard work, and a short list of questions
            for the final discussion that would push the strongest students a bit further.
            """),
    ],
    "coding": [
        block("""
            I'm maintaining a small internal Python library that about 15 teams use. It reads
            configuration from YAML files, validates it and hands back plain dicts. Over the
            years people have added lots of optional keys, and now the validation is a 600-line
            function full of nested ifs. Every change breaks someone.

            I'd like to move to typed config objects (dataclasses or pydantic), but I can't break
            the teams that index into the dicts directly, like `cfg["db"]["host"]`. Some of them
            also mutate the dict after loading it, which I'd like to stop but can't right away.

            Could you propose a migration plan in stages? For each stage, say what changes for
            the teams, how I'd detect who still uses the old style (warnings? logging?), and how
            long I should keep the compatibility layer. Also: dataclasses or pydantic, given
            that we're on Python 3.9 and some teams pin old versions of everything? I'd like the
            reasoning, not just a pick.

            Finally, what tests would give me confidence that the new loader accepts exactly the
            same files as the old one? We have about 400 real config files I can collect.
            """),
    ],
    "data-analysis": [
        block("""
            I work at a regional hospital and I've been asked to look at whether a new discharge
            process reduced 30-day readmissions. The process was introduced on 1 March, only in
            the two surgical wards; the medical wards kept the old one. I have patient-level data
            from January 2022 to December 2023: admission and discharge dates, ward, age, main
            diagnosis code, number of previous admissions and whether they were readmitted within
            30 days.

            The raw numbers look good: readmissions in surgery went from 11.8% to 9.6%. But my
            manager points out that surgical volumes changed a lot over the same period because
            of a waiting-list initiative, and the case mix probably shifted towards simpler
            operations.

            How should I set this up so the answer is defensible? I've heard of
            difference-in-differences and interrupted time series but never used either. Which
            fits better here, what assumptions would I have to check, and how would I adjust for
            the change in case mix? I use R, but pseudo-code is fine.
            """),
    ],
    "writing": [
        block("""
            I run a small community garden and we need to send a letter to the city council. The
            council plans to turn the plot next to ours into a car park, which would cut our
            morning sun and, more importantly, the access path that our older members use
            because it has no steps.

            I want the letter to be firm but not angry, to stay under one page, and to include:
            that we have 64 members, 11 of whom are over 70; that we've run a free Saturday
            workshop for local schools for six years; that we're not against parking as such,
            but we'd like them to keep a 2-metre path along the eastern edge; and that we'd be
            happy to meet on site.

            Please write a draft. Then tell me which sentence you think is the weakest and why,
            so I can decide whether to keep it.
            """),
    ],
    "health": [
        block("""
            My mother is 72 and was just diagnosed with type 2 diabetes. The doctor gave her a
            leaflet and a prescription for metformin, and a follow-up appointment in three
            months. She lives alone, cooks for herself, and is quite independent but gets
            overwhelmed by information. I live two hours away and visit every other weekend.

            I'm not asking for medical advice that replaces her doctor. What I'd like is help
            organising: what kind of questions should we write down for the follow-up? What
            small, realistic changes to her cooking are usually suggested, so I can make a simple
            one-page sheet for her fridge? And what signs would mean we should call the doctor
            before the three months are up?

            She likes bread and potatoes and won't give them up, so please don't suggest a
            complete diet overhaul.
            """),
    ],
    "history": [
        block("""
            I'm writing historical fiction set in Venice in 1575, the year of the plague. My main
            character is a glassmaker's daughter from Murano. I've read the general histories but
            I'm missing the texture of ordinary life, and I don't want to make embarrassing
            mistakes.

            Could you help me with details like: how would she have travelled between Murano and
            the city? What would the family have eaten in a normal week, and what changed when
            the plague arrived? How were the glassmakers' guild rules enforced, and was it really
            forbidden for glassmakers to leave the Republic? What would people have believed
            about how the plague spread, and what did the authorities actually do (quarantine,
            the lazaretti, burning goods)?

            Where you're unsure, or where historians disagree, please say so instead of
            inventing something, because I'd rather look it up than get it wrong.
            """),
    ],
    "travel": [
        block("""
            I'm organising a week-long hiking trip in the Dolomites for a group of six friends,
            end of June. Fitness levels vary: two of us run marathons, two hike a few times a
            year, and two are beginners who are motivated but have never done more than 10 km in
            a day. None of us has done via ferrata.

            We'd like to stay in one or two valley towns and do day hikes rather than hut to
            hut, so the beginners can skip a day if they need to. We'll have one rental car for
            six people, so we'll rely on buses and lifts too.

            Could you suggest where to base ourselves, a plan of 5 hikes with a shorter
            alternative for each, and what we need to know about lift timetables, snow on higher
            trails in late June, and afternoon thunderstorms? A short packing list for the
            beginners would be appreciated too.
            """),
    ],
}

# Prompts of every length and form, grouped apart only to keep the topic lists above readable.
MORE: dict[str, list[str]] = {
    "coding": [
        "Explain closures in JavaScript with an example that isn't a counter.",
        block("""
            Why is this slow, and how do I make it fast?

            ```python
            result = []
            for i, row in df.iterrows():
                if row["status"] == "active":
                    result.append(row["price"] * row["qty"])
            total = sum(result)
            ```

            The DataFrame has about 3 million rows.
            """),
        block("""
            I'm designing the database schema for a small library app (books, members, loans,
            reservations). Requirements:

            - a book can have several copies; loans are per copy
            - a member can reserve a book (not a copy) when all copies are out
            - we need the full loan history, forever
            - late fees are computed per day, but the rate changed twice in the past

            Here's my first attempt:

            ```sql
            CREATE TABLE books (id SERIAL PRIMARY KEY, title TEXT, author TEXT, isbn TEXT);
            CREATE TABLE members (id SERIAL PRIMARY KEY, name TEXT, email TEXT);
            CREATE TABLE loans (id SERIAL PRIMARY KEY, book_id INT REFERENCES books(id),
                                member_id INT REFERENCES members(id), due DATE, returned DATE);
            ```

            What's wrong with it given the requirements? Please propose a better schema, explain
            each table in a sentence, and show the query for 'members with overdue loans today,
            with the fee they owe'. Point out anything in the requirements you think is
            ambiguous and tell me which way you assumed, so I can check with the librarians.
            """),
    ],
    "data-analysis": [
        "What's a good rule of thumb for the number of bins in a histogram?",
        block("""
            Which of these should I use for a quick dashboard my team will open every morning?

            | tool       | what we know about it |
            |------------|-----------------------|
            | Streamlit  | we write Python already |
            | Metabase   | IT can host it |
            | Excel      | everyone has it |

            We have about 2 GB of data in Postgres, refreshed nightly.
            """),
    ],
    "writing": [
        "Give me three different ways to end this sentence: 'The last train had already left, "
        "so we...'",
        "Write a short, warm out-of-office message for the two weeks around New Year.",
    ],
    "math": [
        "Is 1 a prime number? Why did mathematicians decide that?",
        "What's the expected number of coin flips to get two heads in a row?",
    ],
    "science": [
        "Why do leaves change colour in autumn?",
        "Explain the greenhouse effect in four sentences, suitable for a school poster.",
    ],
    "cooking": [
        "Ideas for a birthday cake for a kid who hates chocolate? 🎂",
        block("""
            Help me fix this bread recipe. Last time the loaf was dense and the crust was pale.

            **Ingredients:** 500 g strong flour, 7 g dried yeast, 10 g salt, 300 ml water
            **Method:** mix, knead 5 minutes, rise 1 hour, shape, bake 25 minutes at 180 °C

            What would you change first?
            """),
    ],
    "travel": [
        "Is the Eurail pass still worth it, or are point-to-point tickets cheaper now?",
    ],
    "health": [
        "What's the difference between vitamin D2 and D3?",
        "I sit at a desk 9 hours a day. What's the minimum I should do to not wreck my back?",
    ],
    "business": [
        "Explain the difference between a purchase order and an invoice.",
        block("""
            I'm about to take over as manager of a customer-support team of nine people. The
            previous manager left suddenly after a difficult year: the team handled a product
            recall, two people quit and weren't replaced, and morale is low. The average reply
            time has doubled and the satisfaction score dropped from 4.5 to 3.9. My boss expects a
            plan in my first month and 'visible improvement' within a quarter.

            I've managed before, but a smaller team and in a calmer situation. I don't know the
            product well yet, and I suspect some team members wanted the job themselves.

            What should I do in my first two weeks, before making any changes? How do I find out
            what's really going on without it feeling like an audit? Which quick wins are
            usually real in a support team (tooling, macros, scheduling, triage rules) and which
            ones only move the numbers without helping customers? And how do I talk to my boss
            about the unfilled positions without sounding like I'm making excuses on day one?

            Please be concrete. A week-by-week outline for the first month would be ideal, with
            what I should have in hand by the end of each week, plus a short list of things you
            would deliberately not do yet and why. If there are warning signs that would tell me
            the plan is wrong, name them too.
            """),
    ],
    "history": [
        "Why did the Vikings stop raiding?",
        "ما هي أهمية مكتبة بيت الحكمة في بغداد؟ أجب باختصار بالعربية من فضلك.",
    ],
}

# Realistic near-duplicates: the same prompt pasted again with different case or whitespace.
NEAR_DUPLICATES: list[tuple[str, str]] = [
    ("coding", "reverse a linked list in python."),
    ("cooking", "How do I make a basic  sourdough starter from scratch? "),
    ("travel", "Plan a 3-day itinerary for Lisbon on a budget.\n"),
]


def build() -> list[dict[str, str]]:
    """Return every prompt as a row, near-duplicates included, in a fixed shuffled order."""
    rows = [
        {"prompt": p, "topic": topic, "source": SOURCE}
        for bank in (PROMPTS, LONG, MORE)
        for topic, prompts in bank.items()
        for p in prompts
    ]
    rows += [{"prompt": p, "topic": t, "source": SOURCE} for t, p in NEAR_DUPLICATES]
    random.Random(20240601).shuffle(rows)
    return rows


def main() -> None:
    """Write the JSONL file and print a one-line summary."""
    rows = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    lengths = sorted(len(r["prompt"]) for r in rows)
    print(f"wrote {len(rows)} prompts to {OUT} (chars: min {lengths[0]}, max {lengths[-1]})")


if __name__ == "__main__":
    main()
