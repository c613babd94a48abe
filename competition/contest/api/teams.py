"""Team results (团体成绩) and the 优秀组织奖 through the API."""
