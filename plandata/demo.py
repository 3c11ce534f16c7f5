"""Demo data for the Helsinki–Beijing plan: joint activities with histories, funding, events.

Everything made here is flagged ``is_demo`` (activities and events; their status updates,
funding, programme items and delegation members hang off them), so the portal can label it
and ``clear_demo_data`` can remove it. The activities are generic examples of the kind of work
each theme calls for: no named people and no claims about what really happened.

Activities are created and moved through their statuses with the same services the portal
uses (``create_activity``, ``change_activity_status``), acting as the demo users: agency staff
for the work their agency leads, the coordinators for the rest. Afterwards the history is
dated back to when it would have happened (the plan ran 2019–2023), and a few open activities
are made stale (not updated for more than 90 days).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone, translation

from cooperation.models import (
    ActionPlan,
    Activity,
    ActivityStatus,
    Commitment,
    Evidence,
    Funding,
    FundingSource,
    StatusUpdate,
    Theme,
)
from cooperation.services import change_activity_status, create_activity
from events.models import DelegationMember, Event, EventKind, ProgrammeItem
from partners.models import Agency, City

DEMO_PLAN_CODE = "hki-bj-2019-2023"
DEMO_USERNAMES = (
    "helsinki-coordinator",
    "beijing-coordinator",
    "hki-economic-staff",
    "bj-science-staff",
)

# How long without an update makes an open activity "stale".
STALE_AFTER_DAYS = 90

P, IP, C, OH, X = (
    ActivityStatus.PLANNED,
    ActivityStatus.IN_PROGRESS,
    ActivityStatus.COMPLETED,
    ActivityStatus.ON_HOLD,
    ActivityStatus.CANCELLED,
)


class DemoDataError(CommandError):
    """Demo data cannot be made; nothing was written."""


def _d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@dataclass(frozen=True)
class Step:
    """One status change: to ``status`` on ``on``, with a note in the actor's language."""

    status: str
    on: str
    note: str


@dataclass(frozen=True)
class DemoActivity:
    key: str
    theme: str
    commitment: str
    title: tuple[str, str]
    description: tuple[str, str]
    first_lead: str
    second_lead: str
    actor: str
    planned: tuple[str, str]
    steps: tuple[Step, ...] = ()
    participants: tuple[str, ...] = ()
    outcomes: tuple[str, str] | None = None
    funding: tuple[tuple[str, str, str, str], ...] = ()  # (source, amount, currency, funder)
    stale_days: int | None = None


ACTIVITIES: tuple[DemoActivity, ...] = (
    # 1 Diplomatic Exchanges ---------------------------------------------------------------
    DemoActivity(
        key="coordination-meetings",
        theme="diplomatic-exchanges",
        commitment="diplomatic-exchanges-strengthen-exchanges",
        title=(
            "Regular video meetings of the two coordinating offices",
            "两市外事协调部门定期视频会议",
        ),
        description=(
            "The International Affairs Unit and the Foreign Affairs Office meet online every "
            "quarter to review the implementation of the action plan and agree on next steps.",
            "赫尔辛基市国际事务处与北京市人民政府外事办公室每季度举行线上会议，回顾行动计划执行情况并商定下一步工作。",
        ),
        first_lead="hki-international-affairs",
        second_lead="bj-foreign-affairs",
        actor="helsinki-coordinator",
        planned=("2020-03-01", "2023-12-31"),
        steps=(
            Step(
                IP,
                "2020-04-15",
                "First quarterly meeting held online; meetings continue every quarter.",
            ),
        ),
    ),
    DemoActivity(
        key="beijing-week-preparations",
        theme="diplomatic-exchanges",
        commitment="diplomatic-exchanges-beijing-week",
        title=("Preparations for the Beijing Week in Helsinki", "“赫尔辛基·北京周”筹备工作"),
        description=(
            "A joint working group drafts the programme of the Beijing Week in Helsinki and "
            "proposes venues and participating organisations.",
            "双方联合工作组起草“赫尔辛基·北京周”活动方案，并提出场地和参与机构建议。",
        ),
        first_lead="hki-city-executive-office",
        second_lead="bj-foreign-affairs",
        actor="beijing-coordinator",
        planned=("2020-01-15", "2020-10-31"),
        steps=(
            Step(IP, "2020-01-20", "联合工作组成立，开始起草活动方案。"),
            Step(OH, "2020-03-10", "筹备工作暂停，待双方另行商定举办日期。"),
        ),
        stale_days=300,
    ),
    DemoActivity(
        key="working-level-visits",
        theme="diplomatic-exchanges",
        commitment="diplomatic-exchanges-regular-exchanges",
        title=(
            "Working-level exchange visits between city departments",
            "两市政府部门工作层面互访",
        ),
        description=(
            "Short study visits of experts from city departments of both cities, planned for "
            "the final year of the plan.",
            "计划在行动计划最后一年组织两市政府部门专家开展短期考察交流。",
        ),
        first_lead="hki-international-affairs",
        second_lead="bj-foreign-affairs",
        actor="helsinki-coordinator",
        planned=("2023-09-01", "2023-12-15"),
    ),
    # 2 Science & Technology and Startups ---------------------------------------------------
    DemoActivity(
        key="smart-mobility-webinars",
        theme="science-technology-startups",
        commitment="science-technology-startups-technology-cooperation",
        title=(
            "Webinar series on smart mobility and 5G applications",
            "智慧出行与5G应用系列网络研讨会",
        ),
        description=(
            "A series of online seminars where companies and research organisations of both "
            "cities present solutions in smart mobility and 5G.",
            "两市企业和科研机构通过系列线上研讨会展示智慧出行和5G领域的解决方案。",
        ),
        first_lead="hki-economic-development",
        second_lead="bj-science-technology",
        actor="hki-economic-staff",
        planned=("2021-02-01", "2022-06-30"),
        steps=(
            Step(
                IP, "2021-03-10", "First webinar held; further sessions planned every two months."
            ),
        ),
        stale_days=150,
    ),
    DemoActivity(
        key="startup-exchange-matchmaking",
        theme="science-technology-startups",
        commitment="science-technology-startups-startup-exchange",
        title=(
            "Startup Exchange: matchmaking for incubators and accelerators",
            "“创业交流”：孵化器与加速器对接活动",
        ),
        description=(
            "Online matchmaking sessions connect incubators and accelerators of Helsinki and "
            "Zhongguancun Science Park, with pitches from early-stage companies.",
            "通过线上对接会连接赫尔辛基与中关村科技园区的孵化器和加速器，并安排初创企业路演。",
        ),
        first_lead="hki-economic-development",
        second_lead="bj-zhongguancun",
        participants=("bj-science-technology",),
        actor="hki-economic-staff",
        planned=("2020-09-01", "2020-12-15"),
        steps=(
            Step(IP, "2020-09-14", "Kick-off session held online."),
            Step(
                C,
                "2020-12-10",
                "Three matchmaking sessions held; contacts handed over to the incubators.",
            ),
        ),
        outcomes=(
            "Three online matchmaking sessions; incubators of both cities exchanged contacts "
            "for follow-up.",
            "举办三场线上对接会；两市孵化器互换联系方式以便后续跟进。",
        ),
        funding=(
            (FundingSource.FIRST_CITY, "20000.00", "EUR", "hki-economic-development"),
            (FundingSource.SECOND_CITY, "150000.00", "CNY", "bj-zhongguancun"),
        ),
    ),
    DemoActivity(
        key="joint-rd-call-scoping",
        theme="science-technology-startups",
        commitment="science-technology-startups-joint-rd-funding",
        title=(
            "Scoping a joint call for research and development projects",
            "联合研发项目资助征集方案研究",
        ),
        description=(
            "Comparing the funding instruments of both cities to outline a possible joint "
            "call for research and development projects.",
            "比较两市现有资助工具，梳理联合研发项目征集的可行方案。",
        ),
        first_lead="hki-economic-development",
        second_lead="bj-science-technology",
        actor="bj-science-staff",
        planned=("2023-03-01", "2023-12-31"),
        steps=(Step(IP, "2023-03-20", "已启动两市资助工具比较研究。"),),
        stale_days=200,
    ),
    # 3 Business and Investments ------------------------------------------------------------
    DemoActivity(
        key="business-online-meetings",
        theme="business-investments",
        commitment="business-investments-communication-mechanism",
        title=("Regular online meetings on business cooperation", "商务合作定期线上会商"),
        description=(
            "Twice-yearly online meetings of the Economic Development Division with the "
            "Bureau of Commerce and the Commission of Development and Reform on business "
            "opportunities.",
            "赫尔辛基市经济发展部与北京市商务局、北京市发展和改革委员会每半年举行一次线上会商，交流商业合作机会。",
        ),
        first_lead="hki-economic-development",
        second_lead="bj-commerce",
        participants=("bj-development-reform",),
        actor="hki-economic-staff",
        planned=("2020-05-01", "2023-12-31"),
        steps=(
            Step(IP, "2020-06-01", "First meeting held; the next one is agreed for the autumn."),
        ),
    ),
    DemoActivity(
        key="investment-seminar",
        theme="business-investments",
        commitment="business-investments-promotion-activities",
        title=("Investment promotion seminar for companies of both cities", "两市企业投资推介会"),
        description=(
            "A seminar presenting the business environment and investment services of both "
            "cities to interested companies.",
            "向有意向的企业介绍两市营商环境和投资服务的推介会。",
        ),
        first_lead="hki-economic-development",
        second_lead="bj-investment-promotion",
        actor="hki-economic-staff",
        planned=("2019-11-01", "2019-12-15"),
        steps=(
            Step(
                IP,
                "2019-11-04",
                "Preparations started with the Investment Promotion Service Center.",
            ),
            Step(
                C,
                "2019-12-05",
                "Seminar held; presentation materials shared with the participants.",
            ),
        ),
        outcomes=(
            "Seminar held with companies from both cities; presentation materials shared "
            "afterwards.",
            "推介会顺利举办，两市企业参加；会后共享了推介材料。",
        ),
        funding=(
            (FundingSource.FIRST_CITY, "8000.00", "EUR", "hki-economic-development"),
            (FundingSource.SECOND_CITY, "60000.00", "CNY", "bj-investment-promotion"),
        ),
    ),
    DemoActivity(
        key="business-guide",
        theme="business-investments",
        commitment="business-investments-bilateral-trade",
        title=("Joint guide to doing business in the two cities", "两市营商指南联合编写"),
        description=(
            "A short bilingual guide on company registration and trade services in both cities.",
            "编写一份关于两市企业注册和贸易服务的简明双语指南。",
        ),
        first_lead="hki-economic-development",
        second_lead="bj-commerce",
        actor="hki-economic-staff",
        planned=("2020-10-01", "2021-06-30"),
        steps=(
            Step(
                X,
                "2021-02-15",
                "Cancelled: the topics will be covered in the regular online meetings.",
            ),
        ),
    ),
    # 4 City Planning -----------------------------------------------------------------------
    DemoActivity(
        key="underground-space-workshop",
        theme="city-planning",
        commitment="city-planning-underground-space",
        title=("Expert workshop on underground space development", "地下空间开发专家研讨会"),
        description=(
            "Planners of both cities compare how underground space is planned and used, with "
            "site visits.",
            "两市规划人员比较地下空间的规划与利用方式，并进行实地考察。",
        ),
        first_lead="hki-urban-environment",
        second_lead="bj-planning-natural-resources",
        actor="helsinki-coordinator",
        planned=("2023-04-10", "2023-04-13"),
        steps=(
            Step(IP, "2023-04-10", "Study visit started."),
            Step(C, "2023-04-13", "Workshop held during the study visit; presentations shared."),
        ),
        outcomes=(
            "Workshop held; both sides shared planning guidelines and case studies.",
            "研讨会顺利举办；双方交流了规划导则和案例。",
        ),
    ),
    DemoActivity(
        key="airport-connections-study",
        theme="city-planning",
        commitment="city-planning-city-airport-connections",
        title=("Comparative study of city–airport connections", "城市与机场交通连接比较研究"),
        description=(
            "An exchange of data and experience on rail and road links between the city "
            "centres and the airports.",
            "就市中心与机场之间的轨道和道路交通连接交流数据与经验。",
        ),
        first_lead="hki-urban-environment",
        second_lead="bj-planning-natural-resources",
        actor="beijing-coordinator",
        planned=("2021-09-01", "2022-12-31"),
        steps=(Step(IP, "2021-09-01", "双方已交换有关机场交通连接的资料。"),),
        stale_days=400,
    ),
    # 5 Education and Training --------------------------------------------------------------
    DemoActivity(
        key="education-dialogue-2019",
        theme="education-training",
        commitment="education-training-annual-dialogue",
        title=("Annual education dialogue 2019", "2019年度教育对话"),
        description=(
            "Annual dialogue between the Education Division of Helsinki and the Beijing "
            "Municipal Commission of Education on school development and cooperation priorities.",
            "赫尔辛基市教育部门与北京市教育委员会就学校发展和合作重点开展年度对话。",
        ),
        first_lead="hki-education",
        second_lead="bj-education",
        actor="helsinki-coordinator",
        planned=("2019-11-18", "2019-11-21"),
        steps=(
            Step(IP, "2019-11-18", "The delegation arrived; the dialogue started."),
            Step(C, "2019-11-21", "Dialogue held; cooperation priorities agreed."),
        ),
        outcomes=(
            "Dialogue held; priorities for teacher training and partner schools agreed.",
            "对话顺利举行；双方商定了教师培训和伙伴学校方面的合作重点。",
        ),
    ),
    DemoActivity(
        key="teacher-training-modules",
        theme="education-training",
        commitment="education-training-teacher-training",
        title=("Online in-service training modules for teachers", "教师在职培训线上课程模块"),
        description=(
            "Jointly developed online modules on pedagogy and educational technology for "
            "teachers of both cities.",
            "双方联合开发面向两市教师的教学法和教育技术线上课程模块。",
        ),
        first_lead="hki-education",
        second_lead="bj-education",
        actor="beijing-coordinator",
        planned=("2022-01-10", "2023-06-30"),
        steps=(Step(IP, "2022-02-14", "首期线上培训模块已开课。"),),
    ),
    DemoActivity(
        key="partner-schools",
        theme="education-training",
        commitment="education-training-partner-schools",
        title=("Partner school pairing", "伙伴学校结对"),
        description=(
            "Pairing interested schools of both cities for joint pupil projects and teacher "
            "exchanges.",
            "为两市有意愿的学校结对，开展学生合作项目和教师交流。",
        ),
        first_lead="hki-education",
        second_lead="bj-education",
        actor="helsinki-coordinator",
        planned=("2023-08-15", "2023-12-20"),
    ),
    # 6 Environmental Protection ------------------------------------------------------------
    DemoActivity(
        key="air-quality-monitoring",
        theme="environmental-protection",
        commitment="environmental-protection-air-quality-monitoring",
        title=("Knowledge exchange on air quality monitoring", "空气质量监测经验交流"),
        description=(
            "Experts of both cities compare air quality monitoring networks, open data for the "
            "public and the use of sensor technology.",
            "两市专家就空气质量监测网络、向公众开放数据以及传感器技术应用等进行比较交流。",
        ),
        first_lead="hki-urban-environment",
        second_lead="bj-ecology-environment",
        actor="beijing-coordinator",
        planned=("2020-10-01", "2021-12-31"),
        steps=(
            Step(IP, "2020-11-02", "双方专家已就空气质量监测网络举行首次线上交流。"),
            Step(OH, "2021-05-20", "暂缓，待双方确定下一阶段的技术交流内容。"),
        ),
        stale_days=250,
    ),
    DemoActivity(
        key="climate-seminar",
        theme="environmental-protection",
        commitment="environmental-protection-exchanges",
        title=("Online seminar on climate action in cities", "城市气候行动线上研讨会"),
        description=(
            "A seminar where both cities present their climate and emission reduction programmes.",
            "两市在研讨会上介绍各自的气候与减排工作。",
        ),
        first_lead="hki-urban-environment",
        second_lead="bj-ecology-environment",
        actor="helsinki-coordinator",
        planned=("2021-10-25", "2021-10-27"),
        steps=(
            Step(IP, "2021-10-25", "Seminar opened."),
            Step(C, "2021-10-27", "Seminar held; presentations shared with the departments."),
        ),
        outcomes=(
            "Seminar held online; presentations shared with the participating departments.",
            "研讨会以线上方式举行；演示材料已分享给参会部门。",
        ),
    ),
    # 7 Culture and Tourism -----------------------------------------------------------------
    DemoActivity(
        key="chinese-new-year-performances",
        theme="culture-tourism",
        commitment="culture-tourism-helsinki-chinese-new-year",
        title=(
            "Cultural performances for the Helsinki Chinese New Year",
            "“赫尔辛基中国新年庆典”文化演出",
        ),
        description=(
            "Support for the cultural programme of the Helsinki Chinese New Year celebration, "
            "including performances and workshops.",
            "支持“赫尔辛基中国新年庆典”文化活动，包括演出和工作坊。",
        ),
        first_lead="hki-culture-leisure",
        second_lead="bj-culture-tourism",
        actor="helsinki-coordinator",
        planned=("2020-01-10", "2020-02-09"),
        steps=(
            Step(IP, "2020-01-10", "Programme agreed; rehearsals started."),
            Step(C, "2020-02-09", "Performances and workshops held."),
        ),
        outcomes=(
            "Performances and workshops held as part of the celebration programme.",
            "演出和工作坊作为庆典活动的一部分顺利举办。",
        ),
        funding=(
            (FundingSource.FIRST_CITY, "15000.00", "EUR", "hki-culture-leisure"),
            (FundingSource.SECOND_CITY, "100000.00", "CNY", "bj-culture-tourism"),
        ),
    ),
    DemoActivity(
        key="library-book-exchange",
        theme="culture-tourism",
        commitment="culture-tourism-library-cooperation",
        title=("Exchange of book collections between city libraries", "两市图书馆图书交换"),
        description=(
            "City libraries of both cities exchange selections of books and organise reading "
            "events around them.",
            "两市图书馆互赠精选图书，并围绕这些图书组织阅读活动。",
        ),
        first_lead="hki-culture-leisure",
        second_lead="bj-culture-tourism",
        actor="beijing-coordinator",
        planned=("2023-05-01", "2023-11-30"),
        stale_days=120,
    ),
    DemoActivity(
        key="museum-professionals",
        theme="culture-tourism",
        commitment="culture-tourism-museums",
        title=("Exchange programme for museum professionals", "博物馆专业人员交流项目"),
        description=(
            "Short exchanges of museum professionals on collections care and exhibition design.",
            "博物馆专业人员围绕藏品保护和展览设计开展短期交流。",
        ),
        first_lead="hki-culture-leisure",
        second_lead="bj-cultural-relics",
        actor="beijing-coordinator",
        planned=("2021-04-01", "2022-06-30"),
        steps=(
            Step(IP, "2021-04-12", "已开始讨论交流项目的内容和人选条件。"),
            Step(OH, "2021-11-30", "项目暂缓，待双方确认下一步安排。"),
        ),
    ),
    # 8 Winter Sports -----------------------------------------------------------------------
    DemoActivity(
        key="youth-coaching-exchange",
        theme="winter-sports",
        commitment="winter-sports-cooperation",
        title=("Youth winter sports coaching exchange", "青少年冬季运动教练交流"),
        description=(
            "Coaches working with young athletes share training methods for winter sports.",
            "从事青少年运动员培训的教练交流冬季运动训练方法。",
        ),
        first_lead="hki-culture-leisure",
        second_lead="bj-sports",
        actor="helsinki-coordinator",
        planned=("2019-12-01", "2020-02-28"),
        steps=(
            Step(IP, "2019-12-02", "First coaching sessions held."),
            Step(C, "2020-02-28", "Coaching exchange completed; training materials exchanged."),
        ),
        outcomes=(
            "Coaching sessions held; training materials exchanged.",
            "教练交流活动顺利举办；双方交换了训练资料。",
        ),
        funding=((FundingSource.THIRD_PARTY, "5000.00", "EUR", ""),),
    ),
    DemoActivity(
        key="winter-events-experience",
        theme="winter-sports",
        commitment="winter-sports-year-of-winter-sports-experience",
        title=("Sharing experience in organising winter sports events", "冬季运动赛事组织经验分享"),
        description=(
            "Helsinki shares its experience of organising events in the 2019 Finland–China Year "
            "of Winter Sports with event organisers in Beijing.",
            "赫尔辛基与北京的赛事组织方分享其在2019中芬冬季运动年期间组织活动的经验。",
        ),
        first_lead="hki-culture-leisure",
        second_lead="bj-sports",
        actor="beijing-coordinator",
        planned=("2021-06-01", "2021-12-15"),
        steps=(
            Step(IP, "2021-06-01", "首次线上交流已举行。"),
            Step(C, "2021-12-15", "系列线上交流已全部完成。"),
        ),
        outcomes=(
            "A series of online sessions held for event organisers.",
            "为赛事组织方举办了系列线上交流。",
        ),
    ),
    # 9 Television and Film -----------------------------------------------------------------
    DemoActivity(
        key="filming-location-package",
        theme="television-film",
        commitment="television-film-filming-location",
        title=(
            "Information package on Helsinki as a filming location",
            "赫尔辛基影视取景地信息资料包",
        ),
        description=(
            "A bilingual information package for production companies on filming locations, "
            "permits and services in Helsinki.",
            "面向影视制作公司的双语信息资料包，介绍赫尔辛基的取景地、拍摄许可和相关服务。",
        ),
        first_lead="hki-economic-development",
        second_lead="bj-radio-television",
        actor="hki-economic-staff",
        planned=("2020-08-01", "2020-11-30"),
        steps=(
            Step(IP, "2020-08-17", "Drafting of the information package started."),
            Step(C, "2020-11-30", "Information package published and shared."),
        ),
        outcomes=(
            "Bilingual information package published and shared with production companies.",
            "双语信息资料包已发布并分享给影视制作公司。",
        ),
    ),
    DemoActivity(
        key="screening-programme",
        theme="television-film",
        commitment="television-film-events",
        title=(
            "Screening programme of TV dramas and films from both cities",
            "两市影视作品展映活动",
        ),
        description=(
            "Exploring a screening programme of TV dramas and films from both cities, for "
            "example within the Beijing Top TV Dramas & Movies Overseas Broadcasting Season.",
            "探讨举办两市影视作品展映活动，例如结合“北京优秀影视剧海外展播季”开展。",
        ),
        first_lead="hki-economic-development",
        second_lead="bj-radio-television",
        actor="hki-economic-staff",
        planned=("2023-10-01", "2023-12-31"),
    ),
    # 10 Healthcare -------------------------------------------------------------------------
    DemoActivity(
        key="elderly-care-exchange",
        theme="healthcare",
        commitment="healthcare-medical-exchanges",
        title=("Online expert exchange on elderly care", "养老护理线上专家交流"),
        description=(
            "Experts in health and social care compare approaches to home care and care for "
            "older people.",
            "卫生和社会护理领域专家就居家护理和老年人照护方式进行比较交流。",
        ),
        first_lead="hki-social-services-health-care",
        second_lead="bj-health",
        actor="helsinki-coordinator",
        planned=("2022-03-01", "2023-12-31"),
        steps=(
            Step(
                IP, "2022-03-01", "Online expert meetings started; the next one is being planned."
            ),
        ),
    ),
    DemoActivity(
        key="digital-health-pilot",
        theme="healthcare",
        commitment="healthcare-pilot-projects",
        title=(
            "Concept for a pilot project on digital health services",
            "数字医疗服务试点项目构想",
        ),
        description=(
            "Outlining a possible pilot project of medical institutions on digital health "
            "services that benefit citizens of both cities.",
            "梳理医疗机构在数字医疗服务方面可能开展的试点项目，惠及两市市民。",
        ),
        first_lead="hki-social-services-health-care",
        second_lead="bj-health",
        actor="beijing-coordinator",
        planned=("2023-06-01", "2023-12-31"),
    ),
)


@dataclass(frozen=True)
class DemoProgrammeItem:
    day: str
    starts: str
    ends: str
    title: tuple[str, str]
    venue: tuple[str, str]
    organiser: str


@dataclass(frozen=True)
class DemoDelegate:
    name: tuple[str, str]
    position: tuple[str, str]
    city: str
    agency: str | None
    is_head: bool = False


@dataclass(frozen=True)
class DemoEvent:
    kind: str
    title: tuple[str, str]
    description: tuple[str, str]
    host_city: str
    venue: tuple[str, str]
    dates: tuple[str, str]
    themes: tuple[str, ...]
    organisers: tuple[str, ...]
    activities: tuple[str, ...]
    programme: tuple[DemoProgrammeItem, ...]
    delegation: tuple[DemoDelegate, ...]


EVENTS: tuple[DemoEvent, ...] = (
    DemoEvent(
        kind=EventKind.DELEGATION,
        title=("Education delegation from Beijing to Helsinki", "北京教育代表团访问赫尔辛基"),
        description=(
            "A delegation of the Beijing Municipal Commission of Education visits Helsinki for "
            "the annual education dialogue and school visits.",
            "北京市教育委员会代表团访问赫尔辛基，参加年度教育对话并参观学校。",
        ),
        host_city="helsinki",
        venue=("Helsinki", "赫尔辛基"),
        dates=("2019-11-18", "2019-11-21"),
        themes=("education-training",),
        organisers=("hki-education", "bj-education"),
        activities=("education-dialogue-2019",),
        programme=(
            DemoProgrammeItem(
                "2019-11-18",
                "10:00",
                "11:30",
                ("Welcome meeting and annual education dialogue", "欢迎会暨年度教育对话"),
                ("Education Division, Helsinki", "赫尔辛基市教育部门"),
                "hki-education",
            ),
            DemoProgrammeItem(
                "2019-11-19",
                "09:00",
                "12:00",
                ("Visit to a comprehensive school", "参观一所综合学校"),
                ("A comprehensive school in Helsinki", "赫尔辛基一所综合学校"),
                "hki-education",
            ),
            DemoProgrammeItem(
                "2019-11-20",
                "13:00",
                "16:00",
                ("Workshop on teacher in-service training", "教师在职培训研讨会"),
                ("Education Division, Helsinki", "赫尔辛基市教育部门"),
                "bj-education",
            ),
        ),
        delegation=(
            DemoDelegate(
                ("Head of delegation", "代表团团长"),
                ("Beijing Municipal Commission of Education", "北京市教育委员会"),
                "beijing",
                "bj-education",
                is_head=True,
            ),
            DemoDelegate(
                ("Delegation member: school leader", "代表团成员：学校管理者"),
                ("School leader", "学校管理者"),
                "beijing",
                None,
            ),
            DemoDelegate(
                ("Delegation member: teacher trainer", "代表团成员：教师培训专家"),
                ("Teacher trainer", "教师培训专家"),
                "beijing",
                None,
            ),
        ),
    ),
    DemoEvent(
        kind=EventKind.FORUM,
        title=("Online forum on smart mobility and startups", "智慧出行与创业线上论坛"),
        description=(
            "An online forum of the Economic Development Division of Helsinki, the Beijing "
            "Municipal Science & Technology Commission and Zhongguancun Science Park, with a "
            "panel on smart mobility and 5G and pitches from startups.",
            "由赫尔辛基市经济发展部、北京市科学技术委员会和中关村科技园区联合举办的线上论坛，设有智慧出行与5G专题讨论和初创企业路演。",
        ),
        host_city="beijing",
        venue=("Online", "线上"),
        dates=("2021-05-19", "2021-05-19"),
        themes=("science-technology-startups",),
        organisers=("hki-economic-development", "bj-science-technology", "bj-zhongguancun"),
        activities=("smart-mobility-webinars", "startup-exchange-matchmaking"),
        programme=(
            DemoProgrammeItem(
                "2021-05-19",
                "15:00",
                "15:30",
                ("Opening remarks", "开幕致辞"),
                ("Online", "线上"),
                "bj-science-technology",
            ),
            DemoProgrammeItem(
                "2021-05-19",
                "15:30",
                "16:30",
                ("Panel on smart mobility and 5G", "智慧出行与5G专题讨论"),
                ("Online", "线上"),
                "hki-economic-development",
            ),
            DemoProgrammeItem(
                "2021-05-19",
                "16:30",
                "17:30",
                ("Startup pitches", "初创企业路演"),
                ("Online", "线上"),
                "bj-zhongguancun",
            ),
        ),
        delegation=(
            DemoDelegate(
                ("Head of the Helsinki participants", "赫尔辛基方负责人"),
                ("Economic Development Division of Helsinki", "赫尔辛基市经济发展部"),
                "helsinki",
                "hki-economic-development",
                is_head=True,
            ),
            DemoDelegate(
                ("Startup representative", "初创企业代表"),
                ("Startup company from Helsinki", "赫尔辛基初创企业"),
                "helsinki",
                None,
            ),
        ),
    ),
    DemoEvent(
        kind=EventKind.DELEGATION,
        title=("Urban planning study visit to Beijing", "赫尔辛基城市规划考察团访问北京"),
        description=(
            "Planners of the Urban Environment Division of Helsinki visit Beijing for a "
            "workshop on underground space and site visits to transit stations.",
            "赫尔辛基市城市环境部规划人员访问北京，参加地下空间研讨会并实地考察交通换乘站。",
        ),
        host_city="beijing",
        venue=("Beijing", "北京"),
        dates=("2023-04-10", "2023-04-13"),
        themes=("city-planning", "environmental-protection"),
        organisers=("hki-urban-environment", "bj-planning-natural-resources"),
        activities=("underground-space-workshop",),
        programme=(
            DemoProgrammeItem(
                "2023-04-10",
                "09:30",
                "11:30",
                (
                    "Opening meeting with the Commission of Planning & Natural Resources",
                    "与北京市规划和自然资源委员会的开幕会谈",
                ),
                (
                    "Beijing Municipal Commission of Planning & Natural Resources",
                    "北京市规划和自然资源委员会",
                ),
                "bj-planning-natural-resources",
            ),
            DemoProgrammeItem(
                "2023-04-11",
                "09:00",
                "17:00",
                ("Workshop on underground space development", "地下空间开发专家研讨会"),
                (
                    "Beijing Municipal Commission of Planning & Natural Resources",
                    "北京市规划和自然资源委员会",
                ),
                "bj-planning-natural-resources",
            ),
            DemoProgrammeItem(
                "2023-04-12",
                "10:00",
                "15:00",
                ("Site visit: a multi-modal transit station", "实地考察：多模式交通换乘站"),
                ("Beijing", "北京"),
                "bj-planning-natural-resources",
            ),
        ),
        delegation=(
            DemoDelegate(
                ("Head of delegation", "代表团团长"),
                ("Urban Environment Division of Helsinki", "赫尔辛基市城市环境部"),
                "helsinki",
                "hki-urban-environment",
                is_head=True,
            ),
            DemoDelegate(
                ("Delegation member: urban planner", "代表团成员：城市规划师"),
                ("Urban planner", "城市规划师"),
                "helsinki",
                "hki-urban-environment",
            ),
            DemoDelegate(
                ("Delegation member: environmental expert", "代表团成员：环境专家"),
                ("Environmental expert", "环境专家"),
                "helsinki",
                "hki-urban-environment",
            ),
        ),
    ),
)


# ---------------------------------------------------------------------------------------------


@dataclass
class DemoResult:
    already_present: bool = False
    activities: int = 0
    status_updates: int = 0
    fundings: int = 0
    stale: int = 0
    events: int = 0
    programme_items: int = 0
    delegation_members: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    def summary_lines(self) -> list[str]:
        statuses = ", ".join(f"{count} {status}" for status, count in self.by_status.items())
        rows = [
            ("joint activities", f"{self.activities} ({statuses})"),
            ("status updates", self.status_updates),
            ("funding rows", self.fundings),
            (f"stale (> {STALE_AFTER_DAYS} days)", self.stale),
            ("events", self.events),
            ("programme items", self.programme_items),
            ("delegation members", self.delegation_members),
        ]
        width = max(len(label) for label, _value in rows) + 1
        return [f"{label + ':':<{width}} {value}" for label, value in rows]


def demo_rows_exist(plan=None) -> bool:
    activities = Activity.objects.filter(is_demo=True)
    events = Event.objects.filter(is_demo=True)
    if plan is not None:
        activities = activities.filter(theme__plan=plan)
        events = events.filter(plan=plan)
    return activities.exists() or events.exists()


def _at(day: str, clock: str, tz: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(_d(day), datetime.time.fromisoformat(clock), tzinfo=tz)


class _Context:
    """The loaded plan's rows the demo refers to, looked up by code; missing ones are errors."""

    def __init__(self):
        self.plan = (
            ActionPlan.objects.select_related("partnership").filter(code=DEMO_PLAN_CODE).first()
        )
        if self.plan is None:
            raise DemoDataError(
                f"The action plan {DEMO_PLAN_CODE!r} is not loaded. Run first: "
                "python manage.py load_action_plan"
            )
        User = get_user_model()
        users = {
            u.username: u
            for u in User.objects.filter(username__in=DEMO_USERNAMES, profile__isnull=False)
        }
        missing = [name for name in DEMO_USERNAMES if name not in users]
        if missing:
            raise DemoDataError(
                f"Demo users missing: {', '.join(missing)}. Run first: "
                "python manage.py create_demo_users"
            )
        self.users = users
        self.themes = {t.code: t for t in Theme.objects.filter(plan=self.plan)}
        self.commitments = {
            (c.theme.code, c.code): c
            for c in Commitment.objects.filter(theme__plan=self.plan).select_related("theme")
        }
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.cities = {c.code: c for c in City.objects.all()}
        self.responsible = {
            (theme.code, agency_code)
            for theme in self.themes.values()
            for agency_code in theme.responsibilities.values_list("agency__code", flat=True)
        }
        self._check()

    def _check(self) -> None:
        problems = []
        for spec in ACTIVITIES:
            if spec.theme not in self.themes:
                problems.append(f"theme {spec.theme!r}")
            if (spec.theme, spec.commitment) not in self.commitments:
                problems.append(f"commitment {spec.commitment!r}")
            for code in (spec.first_lead, spec.second_lead, *spec.participants):
                if code not in self.agencies:
                    problems.append(f"agency {code!r}")
            for code in (spec.first_lead, spec.second_lead):
                if spec.theme in self.themes and (spec.theme, code) not in self.responsible:
                    problems.append(f"{code!r} as a responsible agency of theme {spec.theme!r}")
        for event in EVENTS:
            for code in event.themes:
                if code not in self.themes:
                    problems.append(f"theme {code!r}")
            for code in (*event.organisers, *(i.organiser for i in event.programme)):
                if code not in self.agencies:
                    problems.append(f"agency {code!r}")
            for code in (event.host_city, *(d.city for d in event.delegation)):
                if code not in self.cities:
                    problems.append(f"city {code!r}")
        if problems:
            unique = list(dict.fromkeys(problems))
            raise DemoDataError(
                f"The loaded plan {DEMO_PLAN_CODE!r} lacks what the demo data needs: "
                f"{', '.join(unique)}. Reload it: python manage.py load_action_plan"
            )


def _noon(day: datetime.date) -> datetime.datetime:
    tz = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=tz)


def _make_activity(ctx: _Context, spec: DemoActivity, result: DemoResult) -> Activity:
    actor = ctx.users[spec.actor]
    activity = Activity(
        theme=ctx.themes[spec.theme],
        commitment=ctx.commitments[(spec.theme, spec.commitment)],
        title_en=spec.title[0],
        title_zh_hans=spec.title[1],
        description_en=spec.description[0],
        description_zh_hans=spec.description[1],
        first_lead_agency=ctx.agencies[spec.first_lead],
        second_lead_agency=ctx.agencies[spec.second_lead],
        planned_start=_d(spec.planned[0]),
        planned_end=_d(spec.planned[1]),
        is_demo=True,
    )
    if spec.outcomes:
        activity.outcomes_en, activity.outcomes_zh_hans = spec.outcomes
    create_activity(
        user=actor,
        activity=activity,
        participant_ids=[ctx.agencies[code].pk for code in spec.participants],
    )
    result.activities += 1

    first_day = min([_d(spec.planned[0])] + [_d(step.on) for step in spec.steps])
    for step in spec.steps:
        on = _d(step.on)
        update = change_activity_status(
            user=actor,
            activity_id=activity.pk,
            to_status=step.status,
            note=step.note,
            date=on if step.status in (IP, C) else None,
        )
        # Recorded when it happened: the plan ran 2019–2023.
        StatusUpdate.objects.filter(pk=update.pk).update(created_at=_noon(on))
        result.status_updates += 1
    created_at = _noon(first_day - datetime.timedelta(days=30))
    stamps = {"created_at": created_at}
    if spec.stale_days:
        stamps["updated_at"] = timezone.now() - datetime.timedelta(days=spec.stale_days)
        result.stale += 1
    Activity.objects.filter(pk=activity.pk).update(**stamps)

    for source, amount, currency, funder in spec.funding:
        Funding.objects.create(
            activity=activity,
            source=source,
            amount=Decimal(amount),
            currency=currency,
            funder=ctx.agencies[funder].name_en if funder else "",
        )
        result.fundings += 1
    activity.refresh_from_db()
    result.by_status[activity.status] = result.by_status.get(activity.status, 0) + 1
    return activity


def _make_event(ctx: _Context, spec: DemoEvent, activities: dict, result: DemoResult) -> Event:
    host = ctx.cities[spec.host_city]
    tz = ZoneInfo(host.time_zone)
    start, end = _d(spec.dates[0]), _d(spec.dates[1])
    event = Event.objects.create(
        plan=ctx.plan,
        kind=spec.kind,
        title_en=spec.title[0],
        title_zh_hans=spec.title[1],
        description_en=spec.description[0],
        description_zh_hans=spec.description[1],
        host_city=host,
        venue_en=spec.venue[0],
        venue_zh_hans=spec.venue[1],
        year=start.year,
        start_date=start,
        end_date=end,
        is_demo=True,
    )
    event.themes.set([ctx.themes[code] for code in spec.themes])
    event.organisers.set([ctx.agencies[code] for code in spec.organisers])
    event.activities.set([activities[key] for key in spec.activities])
    result.events += 1
    for item in spec.programme:
        ProgrammeItem.objects.create(
            event=event,
            starts_at=_at(item.day, item.starts, tz),
            ends_at=_at(item.day, item.ends, tz),
            title_en=item.title[0],
            title_zh_hans=item.title[1],
            venue_en=item.venue[0],
            venue_zh_hans=item.venue[1],
            organiser=ctx.agencies[item.organiser],
        )
        result.programme_items += 1
    for member in spec.delegation:
        DelegationMember.objects.create(
            event=event,
            name_en=member.name[0],
            name_zh_hans=member.name[1],
            position_en=member.position[0],
            position_zh_hans=member.position[1],
            city=ctx.cities[member.city],
            agency=ctx.agencies[member.agency] if member.agency else None,
            is_head=member.is_head,
        )
        result.delegation_members += 1
    return event


def load_demo_data() -> DemoResult:
    """Add the demo activities and events to the loaded Helsinki–Beijing plan.

    Does nothing (``already_present``) when the plan already has demo data. Raises
    DemoDataError, writing nothing, when the plan or the demo users are missing.
    """
    ctx = _Context()
    if demo_rows_exist(ctx.plan):
        return DemoResult(already_present=True)
    result = DemoResult()
    # Untranslated base columns of translated fields follow the active language on save.
    with (
        translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE),
        transaction.atomic(),
    ):
        activities = {spec.key: _make_activity(ctx, spec, result) for spec in ACTIVITIES}
        for spec in EVENTS:
            _make_event(ctx, spec, activities, result)
    return result


@dataclass
class ClearResult:
    activities: int = 0
    events: int = 0


def clear_demo_data() -> ClearResult:
    """Delete every demo activity and event (with their history, funding, evidence,
    programme and delegation)."""
    with transaction.atomic():
        files = list(Evidence.objects.filter(activity__is_demo=True).values_list("file", flat=True))
        result = ClearResult(
            activities=Activity.objects.filter(is_demo=True).count(),
            events=Event.objects.filter(is_demo=True).count(),
        )
        Event.objects.filter(is_demo=True).delete()
        Activity.objects.filter(is_demo=True).delete()

        def delete_files():
            storage = Evidence._meta.get_field("file").storage
            for name in files:
                if name:
                    storage.delete(name)

        transaction.on_commit(delete_files)
    return result
