# flake8: noqa

# import apis into api package
from mmtel_callcontrol.api.ims_sessions_collection_api import IMSSessionsCollectionApi
from mmtel_callcontrol.api.individual_ims_session_document_api import IndividualIMSSessionDocumentApi

