"""Counts the SQL queries of each request, and times them, into response headers.

X-Bench-Queries: statements sent to the database; X-Bench-SQL: milliseconds spent waiting
for them; X-Bench-CPU: milliseconds of CPU that this worker thread spent on the request.
CPU time hardly changes when other processes compete for the machine, so it compares runs
made under different loads better than latency does.
"""

import time

from django.db import connections


def query_count(get_response):
    def middleware(request):
        count, waited = 0, 0.0

        def counter(execute, sql, params, many, context):
            nonlocal count, waited
            count += 1
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                waited += time.perf_counter() - started

        cpu = time.thread_time()
        with connections["default"].execute_wrapper(counter):
            response = get_response(request)
        response["X-Bench-Queries"] = str(count)
        response["X-Bench-SQL"] = f"{waited * 1000:.3f}"
        response["X-Bench-CPU"] = f"{(time.thread_time() - cpu) * 1000:.3f}"
        return response

    return middleware
