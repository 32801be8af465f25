"""The site's routers, as one: ``app.include_router(app.web.routers.router)``."""

from __future__ import annotations

from fastapi import APIRouter

from app.web.routers import dataset, resources, review, sources

router = APIRouter()
router.include_router(resources.router)
router.include_router(dataset.router)
router.include_router(sources.router)
router.include_router(review.router)
