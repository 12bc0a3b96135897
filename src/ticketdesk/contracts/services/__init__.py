"""Every write of contracts: settings, contracts, manual movements, time consumed, mails.

One module per topic; views, tasks and the time-keeping hooks call these functions.
"""
