"""Read models fed from the event log, exactly once, a page of events per transaction."""
