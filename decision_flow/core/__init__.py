"""The core: errors, messages and their two languages, typed values, the official calendar, and
keeping secrets out of messages. Imports only the standard library and kept libraries."""
