"""Turns a Japanese question and the conversation so far into a grounded, cited answer."""
