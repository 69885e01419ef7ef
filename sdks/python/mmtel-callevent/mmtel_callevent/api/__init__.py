# flake8: noqa

# import apis into api package
from mmtel_callevent.api.session_event_subscriptions_collection_api import SessionEventSubscriptionsCollectionApi

