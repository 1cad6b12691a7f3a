"""The bank's tables (mb01, rb3, fd_rb2, mb21, mb22, off_limit, mb11): one low module that
audiences (which read contact history and groups) and campaigns (which write them) both import.
It imports nothing but `dataquery.core`."""
