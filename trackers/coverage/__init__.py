"""Coverage: fetching pages and feeds, taking articles in, linking what they report to commitments, the review
queue.
"""
