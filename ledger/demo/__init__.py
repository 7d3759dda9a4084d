"""The demo territory (Caux Vallée de Seine) and its generated activity.

Writes through the application's commands only, as any other client does.
"""
