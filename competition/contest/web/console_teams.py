"""The organisers' team results page (团体成绩) and the 优秀组织奖."""
